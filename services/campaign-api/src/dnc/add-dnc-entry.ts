import type { DataSource, DncEntryEntity } from '@dialer/db';
import { normalizePhone } from '@dialer/domain';
import { AppError } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import type { AuthContext } from '../http/request-context';
import { dncCountry } from './dnc-country';
import { insertDncEntry } from './dnc.repository';

export interface AddDncEntryInput {
  phone: string;
  campaignId?: string;
  reason?: string;
}

/**
 * Puts one number on the tenant's list or a campaign's: the number is normalized in the campaign's
 * numbering (400 when it is not a number), the entry added once (a repeat answers the existing
 * entry, `created` false) and a new entry audited, in one transaction.
 */
export async function addDncEntry(ds: DataSource, auth: AuthContext, input: AddDncEntryInput): Promise<{ entry: DncEntryEntity; created: boolean }> {
  const { tenantId, apiKeyId, userId } = auth;
  const phone = normalizePhone(input.phone, await dncCountry(ds, tenantId, input.campaignId));
  if (!phone.ok) {
    throw new AppError('validation_failed', `request body is invalid: phone: ${phone.reason}`, {
      status: 400, details: [{ field: 'phone', reason: phone.reason }],
    });
  }
  return ds.transaction(async (m) => {
    const added = await insertDncEntry(m, { tenantId, campaignId: input.campaignId ?? null, phoneE164: phone.e164, reason: input.reason ?? null });
    if (added.created) {
      await writeAudit(m, { tenantId, apiKeyId, userId, action: 'dnc.add', entityType: 'dnc_entry', entityId: added.entry.id, after: { campaignId: added.entry.campaignId } });
    }
    return added;
  });
}
