import { findDncNumbers, writeAudit, type DataSource, type LeadEntity } from '@dialer/db';
import { compileLeadSchema } from '@dialer/domain';
import { AppError } from '@dialer/platform';
import { getCampaign } from '../campaigns/campaigns.repository';
import { maskPhone } from '../compliance/compliance';
import type { AuthContext } from '../http/request-context';
import { leadRecord } from './get-lead';
import type { LeadRecord, UpdateLeadDto } from './lead-record.dto';
import { findLead, phoneTaken, writeLeadChanges, type LeadChanges } from './lead-records.repository';
import { prepareLead } from './prepare-lead';

/** A lead being dialled cannot change under its call. */
export function leadInCall(status: string, verb: 'edited' | 'removed'): AppError {
  return new AppError('lead_in_call', `the lead is being dialled (${status}): it can be ${verb} once its call has ended`, { status: 409 });
}

function duplicatePhone(): AppError {
  return new AppError('duplicate_phone', 'another lead of the campaign has this number', { status: 409 });
}

/** What the audit log keeps of a lead: its fields, the number masked as everywhere in the log. */
export function leadAuditSnapshot(l: Pick<LeadEntity, 'phoneE164' | 'firstName' | 'lastName' | 'email' | 'timezones' | 'custom' | 'status' | 'disposition'>): Record<string, unknown> {
  return {
    phone: maskPhone(l.phoneE164), firstName: l.firstName, lastName: l.lastName, email: l.email,
    timezones: l.timezones, custom: l.custom, status: l.status, disposition: l.disposition,
  };
}

/**
 * Edits a lead, in one transaction with its audit entry (before and after, the number masked):
 * the merged fields go through the import's own prepareLead (phone normalized in the campaign's
 * default country, names and email cleaned, custom values checked and the campaign's lead schema's
 * fields typed — as the schema is now —, PCI card numbers refused). A new
 * number re-derives the candidate zones (unless a timezone is sent) and its DNC answer: a number on
 * a DNC list ends the lead as `dnc`, as the import would have refused it. 409 while the lead is
 * being dialled, or when another lead of the campaign has the number.
 */
export async function updateLead(ds: DataSource, auth: AuthContext, id: string, dto: UpdateLeadDto): Promise<LeadRecord> {
  const { tenantId, apiKeyId, userId } = auth;
  if (Object.values(dto).every((v) => v === undefined)) {
    throw new AppError('validation_failed', 'request body: send at least one of phone, firstName, lastName, email, timezone, custom', { status: 400 });
  }
  return ds.transaction(async (m) => {
    const lead = await findLead(m, tenantId, id, { forUpdate: true });
    if (!lead) throw AppError.notFound('lead', id);
    if (lead.status === 'queued' || lead.status === 'dialing') throw leadInCall(lead.status, 'edited');
    const campaign = await getCampaign(m, tenantId, lead.campaignId);

    const phoneSent = dto.phone !== undefined;
    const p = prepareLead({
      phone: phoneSent ? dto.phone : lead.phoneE164,
      firstName: dto.firstName !== undefined ? dto.firstName : lead.firstName,
      lastName: dto.lastName !== undefined ? dto.lastName : lead.lastName,
      email: dto.email !== undefined ? dto.email : lead.email,
      timezone: dto.timezone,
      custom: dto.custom !== undefined ? dto.custom : lead.custom,
    }, campaign.defaultCountry, {
      deriveZones: true, rejectCardNumbers: campaign.complianceMode === 'pci', schema: campaign.leadSchema ? compileLeadSchema(campaign.leadSchema) : null,
    });
    // An edit says what it wants: an invalid email is refused, not dropped as an import drops it.
    const problems = p.ok ? p.warnings.map((w) => ({ ...w, reason: w.reason.replace(/; the lead was kept without it$/, '') })) : p.problems;
    if (!p.ok || problems.length) {
      throw new AppError('validation_failed', `request body: ${problems.map((x) => x.reason).join('; ')}`, { status: 400, details: problems });
    }
    const next = p.lead;
    const phoneChanged = next.phoneE164 !== lead.phoneE164;
    if (phoneChanged && await phoneTaken(m, lead.campaignId, next.phoneE164, lead.id)) {
      throw duplicatePhone();
    }
    const changes: LeadChanges = {
      phoneE164: next.phoneE164, firstName: next.firstName, lastName: next.lastName, email: next.email, custom: next.custom,
      // Zones are derived again for a new number or a sent zone; otherwise they stay as imported.
      timezones: phoneChanged || dto.timezone !== undefined ? next.timezones : lead.timezones,
      endAsDnc: phoneChanged && lead.status !== 'done'
        && (await findDncNumbers(m, tenantId, lead.campaignId, [next.phoneE164])).has(next.phoneE164),
    };
    try {
      await writeLeadChanges(m, tenantId, id, changes);
    } catch (err) {
      // A lead added with the same number since the check above: the unique key answers.
      if ((err as { driverError?: { constraint?: string } }).driverError?.constraint === 'leads_campaign_phone') throw duplicatePhone();
      throw err;
    }
    const after = (await findLead(m, tenantId, id))!;
    await writeAudit(m, {
      tenantId, apiKeyId, userId, action: 'lead.update', entityType: 'lead', entityId: id,
      before: leadAuditSnapshot(lead), after: leadAuditSnapshot(after),
    });
    return leadRecord(m, auth, after);
  });
}
