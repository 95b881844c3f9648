import type { Readable } from 'node:stream';
import Papa from 'papaparse';
import { DncEntryEntity, findDncScopes, mutate, queryRows, type DataSource, type EntityManager } from '@dialer/db';
import { normalizePhone } from '@dialer/domain';
import { writeAudit } from '@dialer/db';
import type { DncCheck, DncImportResult } from './dnc.dto';

/** Looks numbers up on the tenant's list and, with a campaign, on that campaign's list too. */
export async function checkNumbers(ds: DataSource, tenantId: string, campaignId: string | null, phones: string[], country: string): Promise<DncCheck[]> {
  const normalized = phones.map((p) => ({ phone: p, r: normalizePhone(p, country) }));
  const e164s = [...new Set(normalized.flatMap((n) => (n.r.ok ? [n.r.e164] : [])))];
  const scopes = await findDncScopes(ds, tenantId, campaignId, e164s);
  return normalized.map(({ phone, r }) => {
    if (!r.ok) return { phone, e164: null, dnc: false, scopes: [], reason: r.reason };
    const s = [...(scopes.get(r.e164) ?? [])].sort();
    return { phone, e164: r.e164, dnc: s.length > 0, scopes: s };
  });
}

const PHONE_HEADERS = new Set(['phone', 'phone_number', 'phonenumber', 'number', 'mobile', 'msisdn', 'telephone', 'tel', 'e164']);
const BATCH = 5000;
const MAX_ERRORS = 100;

/**
 * Streams a CSV of numbers into the DNC list in batches (INSERT … ON CONFLICT DO NOTHING), never
 * holding the file in memory. A header row naming a phone column is used when present.
 */
export async function importDncCsv(
  ds: DataSource, input: Readable, o: { tenantId: string; campaignId: string | null; reason: string | null; country: string },
): Promise<DncImportResult> {
  const result: DncImportResult = { rows: 0, added: 0, duplicates: 0, invalid: 0, errors: [] };
  let column = 0;
  let first = true;
  let batch: string[] = [];
  const flush = async (): Promise<void> => {
    if (!batch.length) return;
    const unique = [...new Set(batch)];
    result.duplicates += batch.length - unique.length;
    const inserted = await queryRows<{ id: string }>(ds,
      `INSERT INTO dnc_entries (tenant_id, campaign_id, phone_e164, reason, source)
       SELECT $1, $2, p, $4, 'csv' FROM unnest($3::text[]) AS p
       ON CONFLICT (tenant_id, phone_e164, campaign_id) DO NOTHING RETURNING id`,
      [o.tenantId, o.campaignId, unique, o.reason]);
    result.added += inserted.length;
    result.duplicates += unique.length - inserted.length;
    batch = [];
  };

  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { skipEmptyLines: 'greedy' }) as NodeJS.ReadWriteStream;
  input.pipe(parser);
  for await (const raw of parser as AsyncIterable<string[]>) {
    const cells = raw.map((c) => String(c ?? '').trim());
    if (first) {
      first = false;
      const found = cells.findIndex((c) => PHONE_HEADERS.has(c.toLowerCase().replace(/[\s-]/g, '_')));
      if (found >= 0) {
        column = found;
        continue;
      }
      if (!cells.some((c) => /\d/.test(c))) continue; // a header without a known name: the first column
    }
    result.rows++;
    const r = normalizePhone(cells[column] ?? '', o.country);
    if (!r.ok) {
      result.invalid++;
      if (result.errors.length < MAX_ERRORS) result.errors.push({ row: result.rows, reason: r.reason });
      continue;
    }
    batch.push(r.e164);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return result;
}

/** Removes one number from the tenant list (campaignId null) or a campaign's list; false if not listed. */
export async function removeByPhone(
  ds: DataSource, o: { tenantId: string; campaignId: string | null; phone: string; country: string; apiKeyId: string | null; userId: string | null },
): Promise<boolean> {
  const r = normalizePhone(o.phone, o.country);
  if (!r.ok) return false;
  return ds.transaction(async (m) => {
    const { rows } = await mutate<{ id: string }>(m,
      `DELETE FROM dnc_entries WHERE tenant_id = $1 AND phone_e164 = $2 AND campaign_id IS NOT DISTINCT FROM $3 RETURNING id`,
      [o.tenantId, r.e164, o.campaignId]);
    const removed = rows[0];
    if (!removed) return false;
    await writeAudit(m, { tenantId: o.tenantId, apiKeyId: o.apiKeyId, userId: o.userId, action: 'dnc.delete', entityType: 'dnc_entry', entityId: removed.id });
    return true;
  });
}

/** Adds a number to the tenant's list (campaignId null) or a campaign's; the entry, and whether it is new. */
export async function addDncEntry(
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
