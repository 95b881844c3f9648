import { findDncScopes, type DataSource } from '@dialer/db';
import { normalizePhone } from '@dialer/domain';
import { dncCountry } from './dnc-country';
import type { DncCheck } from './dnc.dto';

/**
 * Which of these numbers may not be called: each is looked up on the tenant's list and, with a
 * campaign, on that campaign's list too (a number that is not valid is reported, not listed).
 */
export async function checkDncNumbers(ds: DataSource, tenantId: string, campaignId: string | null, phones: string[]): Promise<DncCheck[]> {
  const country = await dncCountry(ds, tenantId, campaignId);
  const normalized = phones.map((p) => ({ phone: p, r: normalizePhone(p, country) }));
  const e164s = [...new Set(normalized.flatMap((n) => (n.r.ok ? [n.r.e164] : [])))];
  const scopes = await findDncScopes(ds, tenantId, campaignId, e164s);
  return normalized.map(({ phone, r }) => {
    if (!r.ok) return { phone, e164: null, dnc: false, scopes: [], reason: r.reason };
    const s = [...(scopes.get(r.e164) ?? [])].sort();
    return { phone, e164: r.e164, dnc: s.length > 0, scopes: s };
  });
}
