import { bumpCampaignStats, findDncNumbers, LeadEntity, type CampaignEntity, type DataSource, type EntityManager } from '@dialer/db';
import type { CampaignStatus, LeadFieldFilter, PreviewGroup } from '@dialer/domain';
import { AppError } from '@dialer/platform';
import type { PreparedLead } from './prepare-lead';

export const CLOSED_TO_LEADS: readonly CampaignStatus[] = ['completed', 'stopped', 'cancelled'];

export function closedToLeads(status: CampaignStatus): AppError {
  return new AppError('invalid_state', `leads cannot be added to a ${status} campaign`, { status: 409, details: { status } });
}

/**
 * Locks the campaign row FOR SHARE for the rest of the transaction (a concurrent stop waits, then
 * also ends the leads inserted here) and checks that it still takes leads.
 */
export async function lockCampaignForLeads(m: EntityManager, tenantId: string, campaignId: string): Promise<void> {
  const rows: Array<{ status: CampaignStatus }> = await m.query(
    `SELECT status FROM campaigns WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL FOR SHARE`, [campaignId, tenantId]);
  const row = rows[0];
  if (!row) throw AppError.notFound('campaign', campaignId);
  if (CLOSED_TO_LEADS.includes(row.status)) throw closedToLeads(row.status);
}

export interface BatchTarget {
  tenantId: string;
  campaignId: string;
  importId?: string | null;
}

export interface BatchCounts {
  accepted: number;
  duplicates: number;
  dncSuppressed: number;
}

/**
 * Inserts leads inside the caller's transaction (after lockCampaignForLeads): drops repeats within
 * the batch, scrubs the tenant's and the campaign's DNC lists, inserts with
 * ON CONFLICT (campaign_id, phone_e164) DO NOTHING, and counts the DNC suppressions.
 */
export async function insertLeadBatch(m: EntityManager, t: BatchTarget, leads: readonly PreparedLead[]): Promise<BatchCounts> {
  if (leads.length === 0) return { accepted: 0, duplicates: 0, dncSuppressed: 0 };
  const seen = new Set<string>();
  const unique: PreparedLead[] = [];
  for (const l of leads) {
    if (seen.has(l.phoneE164)) continue;
    seen.add(l.phoneE164);
    unique.push(l);
  }
  let duplicates = leads.length - unique.length;

  const dnc = await findDncNumbers(m, t.tenantId, t.campaignId, [...seen]);
  const rows = dnc.size ? unique.filter((l) => !dnc.has(l.phoneE164)) : unique;
  const dncSuppressed = unique.length - rows.length;

  let accepted = 0;
  if (rows.length) {
    const inserted: Array<{ id: string; phone_e164: string }> = await m.query(
      `INSERT INTO leads (tenant_id, campaign_id, phone_e164, first_name, last_name, email, timezones, custom, import_id)
       SELECT $1, $2, r.phone, r.first_name, r.last_name, r.email,
              CASE WHEN r.tz IS NULL THEN '{}'::text[] ELSE ARRAY[r.tz] END, r.custom::jsonb, $3
         FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
              AS r(phone, first_name, last_name, email, tz, custom)
       ON CONFLICT (campaign_id, phone_e164) DO NOTHING
       RETURNING id, phone_e164`,
      [t.tenantId, t.campaignId, t.importId ?? null,
        rows.map((l) => l.phoneE164), rows.map((l) => l.firstName), rows.map((l) => l.lastName),
        rows.map((l) => l.email), rows.map((l) => l.timezones[0] ?? null), rows.map((l) => JSON.stringify(l.custom))]);
    accepted = inserted.length;
    duplicates += rows.length - accepted;
    await insertLeadConsents(m, t.tenantId, inserted, rows);
  }
  if (dncSuppressed) await bumpCampaignStats(m, t.tenantId, t.campaignId, { dncSuppressed });
  return { accepted, duplicates, dncSuppressed };
}

/** The consent records given with newly inserted leads (matched by number), recorded as given with the lead. */
async function insertLeadConsents(
  m: EntityManager, tenantId: string, inserted: ReadonlyArray<{ id: string; phone_e164: string }>, leads: readonly PreparedLead[],
): Promise<void> {
  const byPhone = new Map(leads.filter((l) => l.consent).map((l) => [l.phoneE164, l.consent!]));
  if (byPhone.size === 0) return;
  const given = inserted.flatMap((i) => {
    const c = byPhone.get(i.phone_e164);
    return c ? [{ leadId: i.id, ...c }] : [];
  });
  if (!given.length) return;
  await m.query(
    `INSERT INTO lead_consents (tenant_id, lead_id, type, granted_at, source, consent_text, recorded_via)
     SELECT $1, c.lead_id, c.type, c.granted_at, c.source, c.text, 'lead'
       FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::text[]) AS c(lead_id, type, granted_at, source, text)`,
    [tenantId, given.map((g) => g.leadId), given.map((g) => g.type), given.map((g) => g.grantedAt), given.map((g) => g.source), given.map((g) => g.text)]);
}

/** Sets a lead's qualified flag by hand (a person's disposition of its call). */
export async function setLeadQualified(m: EntityManager, tenantId: string, leadId: string, qualified: boolean): Promise<void> {
  await m.query(`UPDATE leads SET qualified = $3, updated_at = now() WHERE id = $1 AND tenant_id = $2`, [leadId, tenantId, qualified]);
}

/**
 * The open leads of a campaign grouped by candidate zones, number prefix (which decides the rule
 * pack) and due hour: one SQL aggregate, then the window is evaluated per group, not per lead.
 */
export async function loadPreviewGroups(ds: DataSource, campaign: Pick<CampaignEntity, 'id' | 'tenantId'>, from: Date): Promise<PreviewGroup[]> {
  const rows: Array<{ timezones: string[] | null; sample_phone: string; due_at: Date; n: string }> = await ds.query(
    `SELECT timezones, min(phone_e164) AS sample_phone, min(due) AS due_at, count(*) AS n
       FROM (SELECT timezones, phone_e164,
                    CASE WHEN status = 'pending' THEN greatest(next_attempt_at, $3::timestamptz) ELSE $3::timestamptz END AS due
               FROM leads WHERE campaign_id = $1 AND tenant_id = $2 AND status <> 'done') l
      GROUP BY timezones, left(phone_e164, 5), date_trunc('hour', due)`,
    [campaign.id, campaign.tenantId, from]);
  return rows.map((r) => ({ timezones: r.timezones ?? [], samplePhone: r.sample_phone, dueAt: new Date(r.due_at), count: Number(r.n) }));
}

export interface LeadFilter {
  status?: string;
  disposition?: string;
  /** E.164 prefix (with its +). */
  phonePrefix?: string;
  /** The last lead of the previous page: leads after it. */
  cursor?: string;
  /** Typed conditions on the lead schema's fields (parseLeadFilter), all of which must hold. */
  fields?: LeadFieldFilter[];
}

/**
 * One typed condition as SQL on `l.custom`. Values of another JSON type (a lead stored before the
 * schema had the field, or with an older schema) never match and never fail a cast.
 */
function fieldCondition(f: LeadFieldFilter, k: string, v: string): string {
  const op = f.op;
  switch (f.type) {
    case 'number':
    case 'integer':
      return `(CASE WHEN jsonb_typeof(l.custom -> :${k}) = 'number' THEN (l.custom ->> :${k})::numeric END) ${op === '!=' ? '<>' : op} :${v}`;
    case 'date':
      // ISO 8601 text compares in time order (a date sorts before the times of its day).
      return `(CASE WHEN jsonb_typeof(l.custom -> :${k}) = 'string' THEN (l.custom ->> :${k}) END) COLLATE "C" ${op === '!=' ? '<>' : op} :${v}`;
    case 'boolean':
      return op === '=' ? `l.custom -> :${k} = to_jsonb(:${v}::boolean)` : `l.custom -> :${k} IS DISTINCT FROM to_jsonb(:${v}::boolean)`;
    case 'tags':
      return `(jsonb_typeof(l.custom -> :${k}) = 'array' AND l.custom -> :${k} @> jsonb_build_array(:${v}::text))`;
    default:
      if (op === 'contains') return `strpos(lower(l.custom ->> :${k}), lower(:${v})) > 0`;
      return op === '=' ? `l.custom ->> :${k} = :${v}` : `l.custom ->> :${k} IS DISTINCT FROM :${v}`;
  }
}

/** A campaign's leads, oldest first: at most `limit` after the filter. */
export async function listCampaignLeads(ds: DataSource, tenantId: string, campaignId: string, f: LeadFilter, limit: number): Promise<LeadEntity[]> {
  const qb = ds.getRepository(LeadEntity).createQueryBuilder('l')
    .where('l.campaign_id = :campaignId AND l.tenant_id = :tenantId AND l.deleted_at IS NULL', { campaignId, tenantId })
    .orderBy('l.created_at', 'ASC')
    .addOrderBy('l.id', 'ASC')
    .limit(limit);
  if (f.status) qb.andWhere('l.status = :status', { status: f.status });
  if (f.disposition) qb.andWhere('l.disposition = :disposition', { disposition: f.disposition });
  if (f.phonePrefix) qb.andWhere('starts_with(l.phone_e164, :phone)', { phone: f.phonePrefix });
  (f.fields ?? []).forEach((c, i) => {
    qb.andWhere(fieldCondition(c, `fk${i}`, `fv${i}`), { [`fk${i}`]: c.field, [`fv${i}`]: c.value });
  });
  if (f.cursor) {
    qb.andWhere(`(l.created_at, l.id) > (SELECT k.created_at, k.id FROM leads k WHERE k.id = :cursor AND k.campaign_id = :campaignId)`,
      { cursor: f.cursor });
  }
  return qb.getMany();
}
