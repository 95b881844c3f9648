import type { Writable } from 'node:stream';
import type { CampaignEntity, DataSource } from '@dialer/db';
import { hidesPersonalData, maskPhone } from '../compliance/compliance';
import type { AuthContext } from '../http/request-context';
import { csvLine } from '../imports/errors-csv';
import { campaignCustomKeys, exportBatch, type ExportRow } from './lead-records.repository';

const BATCH = 1000;
const FIXED = ['lead_id', 'phone', 'first_name', 'last_name', 'email', 'status', 'final_outcome', 'attempts', 'last_call_at', 'last_call_outcome', 'qualified'];

function iso(d: Date | null): string | null {
  return d ? new Date(d).toISOString() : null;
}

function customCell(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  // A lead schema's tags list as a cell that imports back into the same list.
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(', ');
  return JSON.stringify(v);
}

/**
 * Writes a campaign's live leads as CSV to `out`: the lead, its final outcome (disposition),
 * attempts, last call time and outcome, qualification, and one column per custom field (custom.<name>).
 * The campaign is walked in keyset batches of 1,000 (never whole in memory) and the writer's
 * backpressure is awaited. Cells are CSV-injection safe (csvLine: =, +, -, @ prefixed with ').
 * Under HIPAA a viewer gets the number masked and no personal data, as lead reads are.
 */
export async function exportLeads(ds: DataSource, auth: AuthContext, campaign: CampaignEntity, out: Writable): Promise<void> {
  const hide = hidesPersonalData(campaign.complianceMode, auth.role);
  const keys = hide ? [] : await campaignCustomKeys(ds, auth.tenantId, campaign.id);
  const write = async (line: string): Promise<void> => {
    if (out.destroyed) throw new Error('the export\'s reader went away');
    if (out.write(line)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        out.off('drain', done);
        out.off('close', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
    });
  };
  await write(csvLine([...FIXED, ...keys.map((k) => `custom.${k}`)]));
  let after: string | null = null;
  for (;;) {
    const rows: ExportRow[] = await exportBatch(ds, auth.tenantId, campaign.id, after, BATCH);
    for (const r of rows) {
      await write(csvLine([
        r.id, hide ? maskPhone(r.phone_e164) : r.phone_e164, hide ? null : r.first_name, hide ? null : r.last_name, hide ? null : r.email,
        r.status, r.disposition, r.attempts, iso(r.last_call_at ?? r.last_attempt_at), r.last_outcome,
        r.qualified === null ? null : String(r.qualified),
        ...keys.map((k) => customCell(r.custom?.[k])),
      ]));
    }
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1]!.id;
  }
}
