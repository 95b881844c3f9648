import type { DataSource } from '@dialer/db';
import { compileLeadSchema, type ConsentType, type LeadSchema } from '@dialer/domain';
import type { AddLeadsResult, RejectedLead } from './lead.dto';
import { insertLeadBatch, lockCampaignForLeads } from './leads.repository';
import { LEAD_FIELDS, prepareLead, type PreparedLead } from './prepare-lead';

const ALLOWED = new Set<string>(LEAD_FIELDS);

/**
 * Adds a JSON list of leads to a campaign in one transaction: invalid rows are reported (index,
 * field, reason; every problem of a lead) and skipped, a lead with an invalid optional email is kept
 * without it and reported in warnings; the fields of the campaign's lead schema are checked and
 * typed; the rest are normalized, deduplicated, DNC-scrubbed and inserted, each with its consent record
 * when given (a campaign that requires consent refuses leads without it).
 */
export async function addLeads(
  ds: DataSource,
  target: {
    tenantId: string; campaignId: string; defaultCountry: string; rejectCardNumbers?: boolean; leadSchema?: LeadSchema | null;
    consentRequired?: ConsentType | null;
  },
  rows: unknown[],
): Promise<AddLeadsResult> {
  const rejected: RejectedLead[] = [];
  const warnings: RejectedLead[] = [];
  const ready: PreparedLead[] = [];
  // The campaign's lead schema, compiled once for the request: its fields are checked and stored typed.
  const schema = target.leadSchema ? compileLeadSchema(target.leadSchema) : null;
  rows.forEach((row, index) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      rejected.push({ index, field: 'lead', reason: 'each lead must be an object' });
      return;
    }
    const unknown = Object.keys(row).find((k) => !ALLOWED.has(k));
    if (unknown !== undefined) {
      rejected.push({ index, field: unknown, reason: `${unknown} is not a lead field (allowed: ${LEAD_FIELDS.join(', ')})` });
      return;
    }
    const p = prepareLead(row, target.defaultCountry, {
      deriveZones: true, rejectCardNumbers: target.rejectCardNumbers ?? false, schema, consentRequired: target.consentRequired ?? null,
    });
    if (p.ok) {
      ready.push(p.lead);
      for (const w of p.warnings) warnings.push({ index, ...w });
    } else for (const problem of p.problems) rejected.push({ index, ...problem });
  });
  const counts = await ds.transaction(async (m) => {
    await lockCampaignForLeads(m, target.tenantId, target.campaignId);
    return insertLeadBatch(m, target, ready);
  });
  return { ...counts, rejected, warnings };
}
