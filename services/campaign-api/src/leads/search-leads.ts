import type { CampaignEntity, DataSource } from '@dialer/db';
import { normalizePhone } from '@dialer/domain';
import { findCampaign } from '../campaigns/campaigns.repository';
import { toPage, type AuthContext } from '../http/request-context';
import { tenantDefaultCountry } from '../tenants/tenants.repository';
import { leadView } from './get-lead';
import type { LeadPage } from './lead.dto';
import type { SearchLeadsQuery } from './lead-record.dto';
import { searchLeads as findLeads, type LeadSearch } from './lead-records.repository';

/**
 * What a search text matches: names and email by substring; when it reads as a phone number (only
 * digits and the separators people write), the number normalized to E.164 in the tenant's default
 * country, and its digits anywhere in the stored number (a partial number).
 */
export function searchTerms(q: string, defaultCountry: string): Pick<LeadSearch, 'text' | 'phoneE164' | 'digits'> {
  const text = q.trim();
  const terms: Pick<LeadSearch, 'text' | 'phoneE164' | 'digits'> = { text };
  if (/^\+?[\d\s().\-/]+$/.test(text)) {
    const digits = text.replace(/\D/g, '');
    if (digits.length >= 3) terms.digits = digits;
    const p = normalizePhone(text, defaultCountry);
    if (p.ok) terms.phoneE164 = p.e164;
  }
  return terms;
}

/** The tenant's leads across its campaigns, oldest first, filtered and paged by cursor. */
export async function searchLeads(ds: DataSource, auth: AuthContext, q: SearchLeadsQuery): Promise<LeadPage> {
  const terms = q.q === undefined ? {} : searchTerms(q.q, await tenantDefaultCountry(ds, auth.tenantId));
  const rows = await findLeads(ds, auth.tenantId, { ...terms, campaignId: q.campaignId, status: q.status, cursor: q.cursor }, q.limit + 1);
  const page = toPage(rows, q.limit);
  const campaigns = new Map<string, CampaignEntity>();
  for (const id of new Set(page.data.map((l) => l.campaignId))) {
    const c = await findCampaign(ds, auth.tenantId, id);
    if (c) campaigns.set(id, c);
  }
  return { data: page.data.flatMap((l) => { const c = campaigns.get(l.campaignId); return c ? [leadView(l, c, auth.role)] : []; }), nextCursor: page.nextCursor };
}
