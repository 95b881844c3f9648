import type { DataSource } from '@dialer/db';
import { normalizePhone } from '@dialer/domain';
import { AppError } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import type { AuthContext } from '../http/request-context';
import { dncCountry } from './dnc-country';
import { deleteDncEntryByPhone } from './dnc.repository';

/**
 * Takes a number (normalized as on add) off the tenant's list or a campaign's, audited; 404 (the
 * number masked) when it is not listed there or is no number at all.
 */
export async function removeDncNumber(ds: DataSource, auth: AuthContext, input: { phone: string; campaignId?: string }): Promise<void> {
  const { tenantId, apiKeyId, userId } = auth;
  const r = normalizePhone(input.phone, await dncCountry(ds, tenantId, input.campaignId));
  const removed = r.ok && await ds.transaction(async (m) => {
    const id = await deleteDncEntryByPhone(m, tenantId, input.campaignId ?? null, r.e164);
    if (id === null) return false;
    await writeAudit(m, { tenantId, apiKeyId, userId, action: 'dnc.delete', entityType: 'dnc_entry', entityId: id });
    return true;
  });
  if (!removed) throw AppError.notFound('dnc entry', input.phone.replace(/\d(?=\d{2})/g, '*'));
}
