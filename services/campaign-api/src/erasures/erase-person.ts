import { createReadStream, existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { writeAudit, type DataSource } from '@dialer/db';
import { nationalDigits, normalizePhone } from '@dialer/domain';
import { AppError, type Logger } from '@dialer/platform';
import type { AuthContext } from '../http/request-context';
import { tenantDefaultCountry } from '../tenants/tenants.repository';
import type { EraseDto, ErasureView } from './erasure.dto';
import {
  blockNumber, deleteAttemptEvents, deleteIdempotencyRecords, deleteLeads, findPersonLeads, importsWithFiles, insertErasure,
  markImportFileErased, numberWasOnDnc, replaceDncEntries, scrubEverywhere, scrubImportErrorSamples, type Person,
} from './erasures.repository';

function callLive(): AppError {
  return new AppError('erasure_call_live',
    'a call to this person is being placed or settled right now; the number is on the DNC list already, so no new call starts: retry the erasure once it has ended (usually within minutes)',
    { status: 409 });
}

/** True when a line of an uploaded CSV holds the person (the same rule as the database scrub, per cell). */
function lineHolds(line: string, p: Person): boolean {
  if (p.email && line.toLowerCase().includes(p.email)) return true;
  if (!p.nsn) return false;
  if (line.includes(p.nsn)) return true;
  const re = new RegExp(`^[0-9]{0,4}${p.nsn}$`);
  return line.split(/[,;\t|]/).some((cell) => re.test(cell.replace(/\D/g, '')));
}

async function fileHolds(path: string, p: Person): Promise<boolean> {
  const input = createReadStream(path);
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) if (lineHolds(line, p)) return true;
    return false;
  } finally {
    lines.close();
    input.destroy();
  }
}

/**
 * Erases a person (by number and/or email) across the tenant. The story:
 * 1. check: the number normalized in the tenant's default country (400 when it is not a number);
 * 2. stop calls: the number goes on the tenant-wide DNC list in its own transaction at once, so the
 *    feeder and the dial-time check refuse it from now on;
 * 3. a call being placed or not yet settled (a lead queued or dialling, an attempt not ended or not
 *    folded into the stats) answers 409 — retry once it has ended; an import still running on an
 *    upload that holds the person too;
 * 4. uploads on disk holding the person are deleted (their unfinished imports fail);
 * 5. in one transaction: the person's leads are deleted with their call attempts and callbacks
 *    (stats are folded counters and stay), their raw webhook events, stored idempotent answers and
 *    import error samples holding the person; then the generic pass over every table of the tenant
 *    (scrubEverywhere); the plain DNC entries of the number go, and a hashed one stays when the
 *    person asked not to be called (`doNotCall`, or the number was listed before); the erasure row
 *    and its audit entry record counts only.
 */
export async function erasePerson(ds: DataSource, auth: AuthContext, dto: EraseDto, logger: Logger): Promise<ErasureView> {
  const { tenantId, apiKeyId, userId } = auth;
  if (dto.phone === undefined && dto.email === undefined) {
    throw new AppError('validation_failed', 'request body is invalid: give phone, email or both', {
      status: 400, details: [{ field: 'phone', reason: 'phone or email is required' }],
    });
  }
  let e164: string | null = null;
  if (dto.phone !== undefined) {
    const phone = normalizePhone(dto.phone, await tenantDefaultCountry(ds, tenantId));
    if (!phone.ok) {
      throw new AppError('validation_failed', `request body is invalid: phone: ${phone.reason}`, {
        status: 400, details: [{ field: 'phone', reason: phone.reason }],
      });
    }
    e164 = phone.e164;
  }
  const person: Person = { e164, nsn: e164 ? nationalDigits(e164) : null, email: dto.email ?? null };

  if (e164) await blockNumber(ds, tenantId, e164);
  const unsettled = (leads: Array<{ status: string; unsettled: number }>): boolean =>
    leads.some((l) => l.status === 'queued' || l.status === 'dialing' || l.unsettled > 0);
  if (unsettled(await findPersonLeads(ds, tenantId, person))) throw callLive();

  const files = (await importsWithFiles(ds, tenantId)).filter((f) => existsSync(f.file_path));
  const holding: typeof files = [];
  for (const f of files) if (await fileHolds(f.file_path, person)) holding.push(f);
  if (holding.some((f) => f.status === 'running')) {
    throw new AppError('erasure_import_running',
      'an import of a file holding this person is running; retry the erasure once it has finished (or cancel it)', { status: 409 });
  }
  for (const f of holding) {
    await unlink(f.file_path).catch(() => undefined);
    await markImportFileErased(ds, tenantId, f.id);
  }

  const result = await ds.transaction(async (m) => {
    const leads = await findPersonLeads(m, tenantId, person, { forUpdate: true });
    if (unsettled(leads)) throw callLive();
    const ids = leads.map((l) => l.id);
    const dncHashed = Boolean(e164) && (dto.doNotCall === true || await numberWasOnDnc(m, tenantId, e164!));
    const counts: Record<string, number> = {};
    const add = (table: string, n: number): void => {
      if (n > 0) counts[table] = (counts[table] ?? 0) + n;
    };
    add('import_files', holding.length);
    add('webhook_events', await deleteAttemptEvents(m, tenantId, ids));
    const removed = await deleteLeads(m, tenantId, ids);
    add('leads', removed.leads);
    add('call_attempts', removed.attempts);
    add('callbacks', removed.callbacks);
    add('idempotency_keys', await deleteIdempotencyRecords(m, tenantId, person));
    add('import_jobs', await scrubImportErrorSamples(m, tenantId, person));
    if (e164) add('dnc_entries', await replaceDncEntries(m, tenantId, e164, dncHashed));
    const generic = await scrubEverywhere(m, tenantId, person);
    for (const [table, n] of Object.entries(generic.scrubbed)) add(table, n);
    const row = await insertErasure(m, { tenantId, apiKeyId, userId, dncHashed, counts: { removed: counts, remaining: generic.remaining } });
    await writeAudit(m, {
      tenantId, apiKeyId, userId, action: 'erasure.create', entityType: 'erasure', entityId: row.id,
      after: { dncHashed, counts, remaining: generic.remaining },
    });
    return { id: row.id, dncHashed, counts, remaining: generic.remaining, createdAt: row.created_at };
  });
  logger.info({ erasureId: result.id, tenantId, counts: result.counts, remaining: result.remaining }, 'person erased');
  return result;
}
