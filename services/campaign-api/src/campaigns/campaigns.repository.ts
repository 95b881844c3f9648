import { bumpCampaignStats, CampaignEntity, dncHit, mutate, queryRows, type DataSource, type EntityManager } from '@dialer/db';
import type { CampaignStatus } from '@dialer/domain';
import { AppError } from '@dialer/platform';

/** The tenant's campaign (not deleted), or null. */
export async function findCampaign(m: EntityManager | DataSource, tenantId: string, id: string): Promise<CampaignEntity | null> {
  return m.getRepository(CampaignEntity).findOneBy({ id, tenantId });
}

/** The tenant's campaign or a 404 (another tenant's campaign is as unknown as a missing one). */
export async function getCampaign(m: EntityManager | DataSource, tenantId: string, id: string): Promise<CampaignEntity> {
  const c = await findCampaign(m, tenantId, id);
  if (!c) throw AppError.notFound('campaign', id);
  return c;
}

/** A soft-deleted campaign of the tenant, or null. */
export async function findDeletedCampaign(m: EntityManager | DataSource, tenantId: string, id: string): Promise<CampaignEntity | null> {
  return m.getRepository(CampaignEntity).createQueryBuilder('c').withDeleted()
    .where('c.id = :id AND c.tenant_id = :tenantId AND c.deleted_at IS NOT NULL', { id, tenantId }).getOne();
}

export interface CampaignListQuery {
  status?: CampaignStatus;
  name?: string;
  complianceMode?: string;
  deleted?: 'true' | 'false';
  limit: number;
  cursor?: string;
}

/** Newest first; the cursor is the id of the last campaign of the previous page. */
export async function listCampaigns(ds: DataSource, tenantId: string, q: CampaignListQuery): Promise<CampaignEntity[]> {
  const qb = ds.getRepository(CampaignEntity).createQueryBuilder('c')
    .where('c.tenant_id = :tenantId', { tenantId })
    .orderBy('c.created_at', 'DESC')
    .addOrderBy('c.id', 'DESC')
    .limit(q.limit + 1);
  if (q.deleted === 'true') qb.withDeleted().andWhere('c.deleted_at IS NOT NULL');
  if (q.status) qb.andWhere('c.status = :status', { status: q.status });
  if (q.complianceMode) qb.andWhere('c.compliance_mode = :mode', { mode: q.complianceMode });
  if (q.name) qb.andWhere(`c.name ILIKE :name ESCAPE '\\'`, { name: `%${q.name.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` });
  if (q.cursor) {
    qb.andWhere(
      `(c.created_at, c.id) < (SELECT k.created_at, k.id FROM campaigns k WHERE k.id = :cursor AND k.tenant_id = :tenantId)`,
      { cursor: q.cursor });
  }
  return qb.getMany();
}

export interface CloneResult {
  campaign: CampaignEntity;
  leadsCopied: number;
}

/**
 * A new draft with the source's settings (compliance mode, description, overrides, ring timeout and consent required
 * included; not its pre-dial hook, whose secret is the source's own); with includeLeads its leads
 * too, as new pending leads with no attempts, minus numbers now on the tenant's DNC list.
 */
export async function insertCampaignCopy(m: EntityManager, source: CampaignEntity, o: { name: string; includeLeads: boolean }): Promise<CloneResult> {
  const rows = await queryRows<{ id: string }>(m,
    `INSERT INTO campaigns (tenant_id, name, description, status, provider_connection_id, agent_override, caller_id_override,
                            ring_timeout_seconds, default_country, default_timezone, max_concurrent_calls, weight,
                            max_attempts, max_calls_per_number_24h, retry_policy, calling_window, settings, compliance_mode,
                            scheduled_start_at, scheduled_end_at, lead_schema, consent_required)
     SELECT tenant_id, $3, description, 'draft', provider_connection_id, agent_override, caller_id_override,
            ring_timeout_seconds, default_country, default_timezone, max_concurrent_calls, weight,
            max_attempts, max_calls_per_number_24h, retry_policy, calling_window, settings, compliance_mode, NULL, NULL, lead_schema, consent_required
       FROM campaigns WHERE id = $1 AND tenant_id = $2
     RETURNING id`, [source.id, source.tenantId, o.name]);
  const id = rows[0]!.id;
  await bumpCampaignStats(m, source.tenantId, id, {});
  let leadsCopied = 0;
  if (o.includeLeads) {
    const copied = await queryRows<{ id: string }>(m,
      `INSERT INTO leads (tenant_id, campaign_id, phone_e164, first_name, last_name, email, timezones, custom)
       SELECT l.tenant_id, $3, l.phone_e164, l.first_name, l.last_name, l.email, l.timezones, l.custom
         FROM leads l
        WHERE l.campaign_id = $1 AND l.tenant_id = $2 AND l.deleted_at IS NULL
          AND NOT ${dncHit({ tenant: '$2', phone: 'l.phone_e164', campaign: '$3' })}
       ON CONFLICT (campaign_id, phone_e164) DO NOTHING
       RETURNING id`, [source.id, source.tenantId, id]);
    leadsCopied = copied.length;
  }
  const campaign = await m.getRepository(CampaignEntity).findOneByOrFail({ id, tenantId: source.tenantId });
  return { campaign, leadsCopied };
}

/** Inserts a campaign with its (empty) stats row; the campaign as stored. */
export async function insertCampaign(m: EntityManager, fields: Partial<CampaignEntity> & { tenantId: string }): Promise<CampaignEntity> {
  const repo = m.getRepository(CampaignEntity);
  const saved = await repo.save(repo.create(fields));
  await bumpCampaignStats(m, fields.tenantId, saved.id, {});
  return repo.findOneByOrFail({ id: saved.id });
}

/**
 * Optimistic update: changes the campaign only at the version read, never once in one of `notIn`,
 * with `draftOnly` only while a draft; bumps the version. False when nothing matched.
 */
export async function updateCampaignAtVersion(
  m: EntityManager, tenantId: string, id: string, version: number, changes: Partial<CampaignEntity>,
  o: { notIn: readonly CampaignStatus[]; draftOnly: boolean },
): Promise<boolean> {
  const result = await m.createQueryBuilder().update(CampaignEntity)
    .set({ ...changes, version: () => 'version + 1', updatedAt: () => 'now()' } as never)
    .where('id = :id AND tenant_id = :tenantId AND version = :version AND deleted_at IS NULL AND status NOT IN (:...finished)'
      + (o.draftOnly ? ` AND status = 'draft'` : ''),
      { id, tenantId, version, finished: o.notIn })
    .execute();
  return Boolean(result.affected);
}

/** Soft-deletes a campaign that is not running (at `version`, when given); the status it had, or null. */
export async function softDeleteCampaign(m: EntityManager, tenantId: string, id: string, version: number | null): Promise<string | null> {
  const { rows } = await mutate<{ status: string }>(m,
    `UPDATE campaigns SET deleted_at = now(), updated_at = now(), version = version + 1
      WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL AND status <> 'running' AND ($3::int IS NULL OR version = $3)
      RETURNING status`, [id, tenantId, version]);
  return rows[0]?.status ?? null;
}

/** Undeletes a soft-deleted campaign; false when it was not deleted (or is not the tenant's). */
export async function undeleteCampaign(m: EntityManager, tenantId: string, id: string): Promise<boolean> {
  const { count } = await mutate(m,
    `UPDATE campaigns SET deleted_at = NULL, updated_at = now(), version = version + 1
      WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NOT NULL`, [id, tenantId]);
  return count > 0;
}

/** Whether the campaign's pre-dial hook has its signing secret. */
export async function hasPreDialSecret(m: EntityManager, tenantId: string, id: string): Promise<boolean> {
  const rows = await queryRows<{ has: boolean }>(m,
    `SELECT pre_dial_secret IS NOT NULL AS has FROM campaigns WHERE id = $1 AND tenant_id = $2`, [id, tenantId]);
  return rows[0]?.has === true;
}

/** Stores the pre-dial hook's signing secret, sealed (null removes it). */
export async function storePreDialSecret(m: EntityManager, tenantId: string, id: string, sealed: string | null): Promise<void> {
  await m.query(`UPDATE campaigns SET pre_dial_secret = $3 WHERE id = $1 AND tenant_id = $2`, [id, tenantId, sealed]);
}
