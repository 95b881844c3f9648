import { dncPhoneHash, mutate, queryRows, type DataSource, type EntityManager } from '@dialer/db';

type Db = DataSource | EntityManager;

/**
 * The person an erasure looks for. Statements take them as parameters $2 (national digits), $3
 * (a regular expression: a value whose digits are those, after at most 4 more — a country code or
 * trunk prefix — in front) and $4 (the email, lower case); an absent one is NULL and matches nothing.
 * $1 is always the tenant.
 */
export interface Person {
  /** E.164, when a number was given. */
  e164: string | null;
  /** Its national significant number (digits only). */
  nsn: string | null;
  /** Lower case, when an email was given. */
  email: string | null;
}

function params(tenantId: string, p: Person): unknown[] {
  return [tenantId, p.nsn, p.nsn ? `^[0-9]{0,4}${p.nsn}$` : null, p.email];
}

/**
 * True when a text value holds the person: the number's digits in a row (any E.164, URL-encoded or
 * national form: `+14155552671`, `%2B14155552671`), a value that is the number in any punctuation
 * (`(415) 555-2671`), or the email in any case.
 */
function textHolds(x: string): string {
  return `(COALESCE(strpos(${x}, $2) > 0, false) OR COALESCE(regexp_replace(${x}, '\\D', '', 'g') ~ $3, false) OR COALESCE(strpos(lower(${x}), $4) > 0, false))`;
}

/** True when any string or number inside a jsonb value (at any depth) holds the person. */
function jsonbHolds(x: string): string {
  return `EXISTS (SELECT 1 FROM jsonb_path_query(${x}, 'lax $.**') AS v(j) WHERE jsonb_typeof(v.j) IN ('string', 'number') AND ${textHolds(`(v.j #>> '{}')`)})`;
}

/** True when a bytea value holds the number's digits or the (lower-case) email as UTF-8 bytes. */
function byteaHolds(x: string): string {
  return `(COALESCE(position(convert_to($2, 'UTF8') in ${x}) > 0, false) OR COALESCE(position(convert_to($4, 'UTF8') in ${x}) > 0, false))`;
}

/** A lead is the person's: its number ($5, E.164), its email, or a custom field or name holding either. */
const LEAD_IS_PERSON = `l.tenant_id = $1 AND (
    l.phone_e164 = $5
 OR ($4::text IS NOT NULL AND lower(l.email) = $4)
 OR ${textHolds('coalesce(l.first_name, \'\') || \' \' || coalesce(l.last_name, \'\')')}
 OR ${jsonbHolds('l.custom')})`;

export interface PersonLead {
  id: string;
  status: string;
  /** Attempts of the lead not ended or not yet folded into the stats. */
  unsettled: number;
}

/** The person's leads across the tenant (removed ones too), locked when `forUpdate`. */
export async function findPersonLeads(m: Db, tenantId: string, p: Person, o: { forUpdate?: boolean } = {}): Promise<PersonLead[]> {
  return queryRows<PersonLead>(m,
    `SELECT l.id, l.status,
            (SELECT count(*) FROM call_attempts a WHERE a.lead_id = l.id AND (a.ended_at IS NULL OR a.counted_at IS NULL))::int AS unsettled
       FROM leads l WHERE ${LEAD_IS_PERSON} ${o.forUpdate ? 'FOR UPDATE OF l' : ''}`, [...params(tenantId, p), p.e164]);
}

/** Puts the number on the tenant-wide list at once (source `erasure`) so no new call starts; whether it was new. */
export async function blockNumber(m: Db, tenantId: string, e164: string): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(m,
    `INSERT INTO dnc_entries (tenant_id, campaign_id, phone_e164, reason, source) VALUES ($1, NULL, $2, 'erasure in progress', 'erasure')
     ON CONFLICT (tenant_id, phone_e164, campaign_id) DO NOTHING RETURNING id`, [tenantId, e164]);
  return rows.length > 0;
}

/** Whether the person asked not to be called before: a DNC entry of the number not made by an erasure step, or a hashed one. */
export async function numberWasOnDnc(m: Db, tenantId: string, e164: string): Promise<boolean> {
  const rows = await queryRows(m,
    `SELECT 1 FROM dnc_entries WHERE tenant_id = $1
        AND ((phone_e164 = $2 AND source <> 'erasure') OR phone_e164 = ${dncPhoneHash('$1', '$2')}) LIMIT 1`, [tenantId, e164]);
  return rows.length > 0;
}

/** Replaces the number's plain DNC entries (every list) by one hashed tenant-wide entry when `keepHash`; how many plain ones went. */
export async function replaceDncEntries(m: EntityManager, tenantId: string, e164: string, keepHash: boolean): Promise<number> {
  const { count } = await mutate(m, `DELETE FROM dnc_entries WHERE tenant_id = $1 AND phone_e164 = $2`, [tenantId, e164]);
  if (keepHash) {
    await m.query(
      `INSERT INTO dnc_entries (tenant_id, campaign_id, phone_e164, reason, source) VALUES ($1, NULL, ${dncPhoneHash('$1', '$2')}, 'erased person asked not to be called', 'erasure')
       ON CONFLICT (tenant_id, phone_e164, campaign_id) DO NOTHING`, [tenantId, e164]);
  }
  return count;
}

/** Raw webhook events of these call attempts (by attempt or provider call id); how many went. */
export async function deleteAttemptEvents(m: EntityManager, tenantId: string, leadIds: string[]): Promise<number> {
  if (!leadIds.length) return 0;
  const { count } = await mutate(m,
    `DELETE FROM webhook_events w USING call_attempts a
      WHERE a.tenant_id = $1 AND a.lead_id = ANY($2::uuid[])
        AND (w.call_attempt_id = a.id OR (w.provider_call_id IS NOT NULL AND w.provider_call_id = a.provider_call_id))`,
    [tenantId, leadIds]);
  return count;
}

/** Stored answers of idempotent requests that hold the person (replaying them would show the person again). */
export async function deleteIdempotencyRecords(m: EntityManager, tenantId: string, p: Person): Promise<number> {
  const { count } = await mutate(m,
    `DELETE FROM idempotency_keys WHERE tenant_id = $1 AND response IS NOT NULL AND ${jsonbHolds('response')}`, params(tenantId, p));
  return count;
}

/** Drops the entries holding the person from import jobs' error samples (the job stays); how many jobs changed. */
export async function scrubImportErrorSamples(m: EntityManager, tenantId: string, p: Person): Promise<number> {
  const { count } = await mutate(m,
    `UPDATE import_jobs j SET errors = (SELECT coalesce(jsonb_agg(e.x), '[]'::jsonb) FROM jsonb_array_elements(j.errors) AS e(x)
                                         WHERE NOT ${jsonbHolds('e.x')})
      WHERE j.tenant_id = $1 AND jsonb_typeof(j.errors) = 'array' AND ${jsonbHolds('j.errors')}`, params(tenantId, p));
  return count;
}

/** Deletes the leads (their call attempts and callbacks go with them; the lead counters follow by trigger). */
export async function deleteLeads(m: EntityManager, tenantId: string, ids: string[]): Promise<{ leads: number; attempts: number; callbacks: number }> {
  if (!ids.length) return { leads: 0, attempts: 0, callbacks: 0 };
  const [c] = await queryRows<{ attempts: number; callbacks: number }>(m,
    `SELECT (SELECT count(*) FROM call_attempts WHERE tenant_id = $1 AND lead_id = ANY($2::uuid[]))::int AS attempts,
            (SELECT count(*) FROM callbacks WHERE tenant_id = $1 AND lead_id = ANY($2::uuid[]))::int AS callbacks`, [tenantId, ids]);
  const { count } = await mutate(m, `DELETE FROM leads WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenantId, ids]);
  return { leads: count, attempts: c?.attempts ?? 0, callbacks: c?.callbacks ?? 0 };
}

/** Import jobs of the tenant with a stored upload file: their id, status and path. */
export async function importsWithFiles(db: Db, tenantId: string): Promise<Array<{ id: string; status: string; file_path: string }>> {
  return queryRows(db, `SELECT id, status, file_path FROM import_jobs WHERE tenant_id = $1 AND file_path IS NOT NULL`, [tenantId]);
}

/** An import whose upload an erasure removed: no file, and failed unless it had finished. */
export async function markImportFileErased(db: Db, tenantId: string, id: string): Promise<void> {
  await db.query(
    `UPDATE import_jobs SET file_path = NULL,
            status = CASE WHEN status IN ('completed', 'cancelled') THEN status ELSE 'failed' END,
            error = CASE WHEN status IN ('completed', 'cancelled') THEN error ELSE 'the uploaded file held an erased person and was deleted; upload the file again without that person' END,
            finished_at = coalesce(finished_at, now())
      WHERE id = $1 AND tenant_id = $2`, [id, tenantId]);
}

/** Tables holding the tenant's configuration: a match there is reported, never changed by an erasure. */
const CONFIGURATION = new Set(['tenants', 'users', 'api_keys', 'provider_connections', 'campaigns', 'erasures', 'purge_runs']);

interface ColumnRow { table_name: string; column_name: string; data_type: string; is_nullable: 'YES' | 'NO' }

/**
 * The generic pass, after the table-specific steps: every table of the schema with a tenant_id
 * column (so tables added later are covered without a change here), every text, varchar, json,
 * jsonb and bytea column. In the tenant's rows, a nullable column holding the person is set to
 * NULL (the row stays: an audit entry keeps its action, an attempt its outcome); a row whose NOT
 * NULL column holds the person is deleted (a raw webhook event, a DNC entry). Configuration tables
 * are only counted (`remaining`). Each table runs in a savepoint: a row that cannot be deleted (a
 * foreign key) leaves that table's rows counted as remaining instead of failing the erasure.
 */
export async function scrubEverywhere(m: EntityManager, tenantId: string, p: Person): Promise<{ scrubbed: Record<string, number>; remaining: Record<string, number> }> {
  const columns = await queryRows<ColumnRow>(m,
    `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = current_schema()
        AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea')
        AND EXISTS (SELECT 1 FROM information_schema.columns k
                     WHERE k.table_schema = c.table_schema AND k.table_name = c.table_name AND k.column_name = 'tenant_id')
      ORDER BY c.table_name, c.ordinal_position`);
  const byTable = new Map<string, ColumnRow[]>();
  for (const c of columns) byTable.set(c.table_name, [...(byTable.get(c.table_name) ?? []), c]);
  const scrubbed: Record<string, number> = {};
  const remaining: Record<string, number> = {};
  const args = params(tenantId, p);
  for (const [table, cols] of byTable) {
    const holds = (c: ColumnRow): string => {
      const col = `"${c.column_name}"`;
      if (c.data_type === 'jsonb') return `(${col} IS NOT NULL AND ${jsonbHolds(col)})`;
      if (c.data_type === 'json') return `(${col} IS NOT NULL AND ${jsonbHolds(`${col}::jsonb`)})`;
      if (c.data_type === 'bytea') return `(${col} IS NOT NULL AND ${byteaHolds(col)})`;
      return `(${col} IS NOT NULL AND ${textHolds(`${col}::text`)})`;
    };
    const t = `"${table}"`;
    if (CONFIGURATION.has(table)) {
      const [r] = await queryRows<{ n: number }>(m, `SELECT count(*)::int AS n FROM ${t} WHERE tenant_id = $1 AND (${cols.map(holds).join(' OR ')})`, args);
      if (r && r.n > 0) remaining[table] = r.n;
      continue;
    }
    await m.query('SAVEPOINT erasure_table');
    try {
      let n = 0;
      const required = cols.filter((c) => c.is_nullable === 'NO');
      if (required.length) {
        n += (await mutate(m, `DELETE FROM ${t} WHERE tenant_id = $1 AND (${required.map(holds).join(' OR ')})`, args)).count;
      }
      for (const c of cols.filter((x) => x.is_nullable === 'YES')) {
        n += (await mutate(m, `UPDATE ${t} SET "${c.column_name}" = NULL WHERE tenant_id = $1 AND ${holds(c)}`, args)).count;
      }
      await m.query('RELEASE SAVEPOINT erasure_table');
      if (n > 0) scrubbed[table] = n;
    } catch {
      await m.query('ROLLBACK TO SAVEPOINT erasure_table');
      const [r] = await queryRows<{ n: number }>(m, `SELECT count(*)::int AS n FROM ${t} WHERE tenant_id = $1 AND (${cols.map(holds).join(' OR ')})`, args);
      if (r && r.n > 0) remaining[table] = r.n;
    }
  }
  return { scrubbed, remaining };
}

/** Records an erasure (no personal data: counts per table) and returns its id and time. */
export async function insertErasure(
  m: EntityManager, e: { tenantId: string; apiKeyId: string | null; userId: string | null; dncHashed: boolean; counts: Record<string, unknown> },
): Promise<{ id: string; created_at: Date }> {
  const [row] = await queryRows<{ id: string; created_at: Date }>(m,
    `INSERT INTO erasures (tenant_id, api_key_id, user_id, dnc_hashed, counts) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id, created_at`,
    [e.tenantId, e.apiKeyId, e.userId, e.dncHashed, JSON.stringify(e.counts)]);
  return row!;
}

export interface ErasureRow { id: string; dnc_hashed: boolean; counts: Record<string, unknown>; created_at: Date }

/** The tenant's erasures, newest first. */
export async function listErasures(db: Db, tenantId: string, limit: number): Promise<ErasureRow[]> {
  return queryRows<ErasureRow>(db,
    `SELECT id, dnc_hashed, counts, created_at FROM erasures WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, [tenantId, limit]);
}
