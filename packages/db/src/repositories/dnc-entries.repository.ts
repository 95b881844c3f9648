import type { DataSource, EntityManager } from 'typeorm';

/**
 * The one definition of "this number is on the do-not-call list": an entry of the tenant with that
 * number, either tenant-wide (no campaign) or for that campaign. Every check — the import scrub,
 * the dial-time check, the API's lookups — is built from these two fragments. Arguments are SQL
 * expressions (a parameter like `$1`, or a column like `l.tenant_id`).
 */
export interface DncOperands {
  tenant: string;
  phone: string;
  /** The campaign whose own list counts too; `NULL` for the tenant-wide list only. */
  campaign: string;
}

/**
 * The condition on a dnc_entries row `alias` that makes it apply to (tenant, phone, campaign): a
 * tenant-wide entry, or one of that campaign. Written as one filter on the (tenant, phone) index
 * probe: `campaign_id IS NULL OR campaign_id = c` makes the planner OR two probes per row, which
 * measured ~35 % slower on an import-sized scrub; the COALESCE form also answers right when the
 * campaign is NULL (tenant-wide entries only).
 */
export function dncEntryApplies(alias: string, o: DncOperands): string {
  return `${alias}.tenant_id = ${o.tenant} AND ${alias}.phone_e164 IN (${o.phone}, ${dncPhoneHash(o.tenant, o.phone)}) AND ${scopeApplies(alias, o)}`;
}

function scopeApplies(alias: string, o: DncOperands): string {
  return `COALESCE(${alias}.campaign_id, ${o.campaign}) IS NOT DISTINCT FROM ${o.campaign}`;
}

/**
 * The SQL expression of the hashed form of a number, as an erasure leaves it on the list of a
 * person who asked not to be called: `sha256:` and the hex SHA-256 of `<tenant id>:<E.164>`. It is
 * stored in phone_e164 (tenant-wide entry, source `erasure`), so the same index probe on
 * (tenant, phone) finds plain and hashed entries alike (dncHit, dncEntryApplies). The
 * tenant id salts it: a hash of one tenant says nothing in another. It is pseudonymous, not
 * anonymous — phone numbers are few enough to be guessed by brute force from the hash — which is
 * why only the DNC list keeps one (docs/privacy.md).
 */
export function dncPhoneHash(tenant: string, phone: string): string {
  return `('sha256:' || encode(sha256(convert_to(${tenant}::uuid::text || ':' || ${phone}::text, 'UTF8')), 'hex'))`;
}

/**
 * A boolean SQL expression, true when the number is on the list, plain or as its hash. Written so
 * that it can only run as one index probe per row (dnc_entries_unique on tenant, phone, campaign;
 * a second one for the hash when the tenant has hashed entries), whatever the statistics say: a scalar subquery with LIMIT is never turned into a join. As a join, a
 * never-analysed dnc_entries (a big list just loaded) made the planner read the tenant's whole list
 * for every import batch.
 */
export function dncHit(o: DncOperands): string {
  const probe = (phone: string): string =>
    `(SELECT true FROM dnc_entries dnc_e WHERE dnc_e.tenant_id = ${o.tenant} AND dnc_e.phone_e164 = ${phone} AND ${scopeApplies('dnc_e', o)} LIMIT 1) IS NOT NULL`;
  // The hashed form costs a SHA-256 per row: it is only computed for a tenant that has entries made
  // by an erasure (an index probe on dnc_entries_erasure; once per statement when the tenant is a parameter).
  const hashed = `EXISTS (SELECT 1 FROM dnc_entries dnc_h WHERE dnc_h.tenant_id = ${o.tenant} AND dnc_h.source = 'erasure')`;
  return `(${probe(o.phone)} OR (${hashed} AND ${probe(dncPhoneHash(o.tenant, o.phone))}))`;
}

/** Set-based: which of `phones` (E.164) are on the tenant's list or, with a campaign, on its list. */
export async function findDncNumbers(
  m: DataSource | EntityManager, tenantId: string, campaignId: string | null, phones: string[],
): Promise<Set<string>> {
  if (!phones.length) return new Set();
  const rows: Array<{ phone: string }> = await m.query(
    `SELECT DISTINCT u.phone FROM unnest($2::text[]) AS u(phone)
      WHERE ${dncHit({ tenant: '$1', phone: 'u.phone', campaign: '$3::uuid' })}`, [tenantId, phones, campaignId]);
  return new Set(rows.map((r) => r.phone));
}

export type DncScope = 'tenant' | 'campaign';

/** Set-based: for each of `phones` on the list, the lists it is on (tenant-wide, the campaign's). */
export async function findDncScopes(
  m: DataSource | EntityManager, tenantId: string, campaignId: string | null, phones: string[],
): Promise<Map<string, Set<DncScope>>> {
  const scopes = new Map<string, Set<DncScope>>();
  if (!phones.length) return scopes;
  const rows: Array<{ phone: string; campaign_id: string | null }> = await m.query(
    `SELECT u.phone, d.campaign_id FROM unnest($2::text[]) AS u(phone)
       JOIN dnc_entries d ON ${dncEntryApplies('d', { tenant: '$1', phone: 'u.phone', campaign: '$3::uuid' })}`,
    [tenantId, phones, campaignId]);
  for (const r of rows) {
    const s = scopes.get(r.phone) ?? new Set<DncScope>();
    s.add(r.campaign_id === null ? 'tenant' : 'campaign');
    scopes.set(r.phone, s);
  }
  return scopes;
}
