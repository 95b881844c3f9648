import { DncEntryEntity, dncPhoneHash, mutate, queryRows, type DataSource, type EntityManager } from '@dialer/db';

type Db = DataSource | EntityManager;

/** Adds numbers of a CSV (E.164, distinct) to the tenant's list (campaignId null) or a campaign's; how many were new. */
export async function insertDncNumbers(
  db: Db, o: { tenantId: string; campaignId: string | null; reason: string | null }, e164s: string[],
): Promise<number> {
  const inserted = await queryRows<{ id: string }>(db,
    `INSERT INTO dnc_entries (tenant_id, campaign_id, phone_e164, reason, source)
     SELECT $1, $2, p, $4, 'csv' FROM unnest($3::text[]) AS p
     ON CONFLICT (tenant_id, phone_e164, campaign_id) DO NOTHING RETURNING id`,
    [o.tenantId, o.campaignId, e164s, o.reason]);
  return inserted.length;
}

/** Deletes a number from the tenant's list (campaignId null) or a campaign's, plain or kept as a hash by an erasure; the entry's id, or null if not listed. */
export async function deleteDncEntryByPhone(m: EntityManager, tenantId: string, campaignId: string | null, e164: string): Promise<string | null> {
  const { rows } = await mutate<{ id: string }>(m,
    `DELETE FROM dnc_entries WHERE tenant_id = $1 AND phone_e164 IN ($2, ${dncPhoneHash('$1', '$2')}) AND campaign_id IS NOT DISTINCT FROM $3 RETURNING id`,
    [tenantId, e164, campaignId]);
  return rows[0]?.id ?? null;
}

/** Adds a number to the tenant's list (campaignId null) or a campaign's; the entry, and whether it is new. */
export async function insertDncEntry(
  m: EntityManager, e: { tenantId: string; campaignId: string | null; phoneE164: string; reason: string | null },
): Promise<{ entry: DncEntryEntity; created: boolean }> {
  const rows = await queryRows<{ id: string }>(m,
    `INSERT INTO dnc_entries (tenant_id, campaign_id, phone_e164, reason, source) VALUES ($1, $2, $3, $4, 'api')
     ON CONFLICT (tenant_id, phone_e164, campaign_id) DO NOTHING RETURNING id`,
    [e.tenantId, e.campaignId, e.phoneE164, e.reason]);
  const inserted = rows[0];
  const entry = inserted
    ? await m.getRepository(DncEntryEntity).findOneByOrFail({ id: inserted.id })
    : await m.getRepository(DncEntryEntity).createQueryBuilder('d')
      .where('d.tenant_id = :tenantId AND d.phone_e164 = :phone AND d.campaign_id IS NOT DISTINCT FROM :campaignId',
        { tenantId: e.tenantId, phone: e.phoneE164, campaignId: e.campaignId })
      .getOneOrFail();
  return { entry, created: Boolean(inserted) };
}

/** The tenant's entries (or one campaign's), newest first, after the cursor entry: at most `limit`. */
export async function listDncEntries(
  ds: DataSource, tenantId: string, f: { campaignId?: string; cursor?: string }, limit: number,
): Promise<DncEntryEntity[]> {
  const qb = ds.getRepository(DncEntryEntity).createQueryBuilder('d')
    .where('d.tenant_id = :tenantId', { tenantId })
    .orderBy('d.created_at', 'DESC')
    .addOrderBy('d.id', 'DESC')
    .limit(limit);
  if (f.campaignId) qb.andWhere('d.campaign_id = :campaignId', { campaignId: f.campaignId });
  if (f.cursor) {
    qb.andWhere(`(d.created_at, d.id) < (SELECT k.created_at, k.id FROM dnc_entries k WHERE k.id = :cursor AND k.tenant_id = :tenantId)`,
      { cursor: f.cursor });
  }
  return qb.getMany();
}

/** Deletes one entry of the tenant; false when there is none. */
export async function deleteDncEntry(m: EntityManager, tenantId: string, id: string): Promise<boolean> {
  const { count } = await mutate(m, `DELETE FROM dnc_entries WHERE id = $1 AND tenant_id = $2`, [id, tenantId]);
  return count > 0;
}
