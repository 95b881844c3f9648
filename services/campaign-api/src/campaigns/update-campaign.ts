import { checkCampaignNow, findProviderConnection, writeAudit, type CampaignEntity, type DataSource } from '@dialer/db';
import { defaultZoneForCountry, resolveWindow, type CallingWindow, type RetryPolicy } from '@dialer/domain';
import { AppError } from '@dialer/platform';
import type { OverriddenConnection } from '@dialer/providers';
import type { AuthContext } from '../http/request-context';
import type { CampaignWithWarnings, UpdateCampaignDto } from './campaign.dto';
import {
  assertOverridesFit, assertProviderConnection, assertScheduleOrder, campaignEtag, checkIfMatch, FINISHED_STATUSES, orNull, plain,
} from './campaign-checks';
import { findCampaign, getCampaign, storePreDialSecret, updateCampaignAtVersion } from './campaigns.repository';
import { validLeadSchema } from './lead-schema-checks';
import { ensurePreDialSecret } from './pre-dial-secret';

/**
 * Changes a campaign's settings. Checks: If-Match against the version read, not finished, a known
 * provider connection, agent and caller id overrides that fit its type, a valid lead schema, the compliance mode only while a draft, the schedule in order. Decides the
 * changed fields (a zone that followed the old country follows the new one). Persists them only at
 * the version read (optimistic), audited with before/after of the changed fields. Answers the
 * campaign with its current warnings.
 */
export async function updateCampaign(
  ds: DataSource, auth: AuthContext, before: CampaignEntity, dto: UpdateCampaignDto, ifMatch: string | undefined, secretsKey = '',
): Promise<CampaignWithWarnings> {
  const { tenantId, apiKeyId, userId } = auth;
  const id = before.id;
  checkIfMatch(ifMatch, before);
  if (FINISHED_STATUSES.includes(before.status)) {
    throw new AppError('invalid_state', `a ${before.status} campaign cannot be changed`, { status: 409, details: { status: before.status } });
  }
  const changes: Partial<CampaignEntity> = {};
  if (dto.name !== undefined) changes.name = dto.name.trim();
  if (dto.description !== undefined) changes.description = orNull(dto.description);
  let connection: OverriddenConnection | null | undefined;
  if (dto.providerConnectionId !== undefined) {
    connection = dto.providerConnectionId !== null ? await assertProviderConnection(ds, tenantId, dto.providerConnectionId) : null;
    changes.providerConnectionId = dto.providerConnectionId;
  }
  if (dto.agentOverride !== undefined) changes.agentOverride = orNull(dto.agentOverride);
  if (dto.callerIdOverride !== undefined) changes.callerIdOverride = orNull(dto.callerIdOverride);
  if (dto.providerConnectionId !== undefined || dto.agentOverride !== undefined || dto.callerIdOverride !== undefined) {
    // The overrides in effect after the change must fit the connection in effect after it.
    if (connection === undefined) {
      // The campaign's connection as it is (even deleted since: the overrides are checked against its type).
      connection = before.providerConnectionId
        ? await findProviderConnection(ds, before.providerConnectionId, { tenantId, includeDeleted: true }) : null;
    }
    assertOverridesFit(connection, {
      agent: changes.agentOverride !== undefined ? changes.agentOverride : before.agentOverride,
      callerId: changes.callerIdOverride !== undefined ? changes.callerIdOverride : before.callerIdOverride,
    });
  }
  if (dto.ringTimeoutSeconds !== undefined) changes.ringTimeoutSeconds = dto.ringTimeoutSeconds;
  if (dto.defaultCountry !== undefined) changes.defaultCountry = dto.defaultCountry;
  if (dto.defaultTimezone !== undefined) changes.defaultTimezone = dto.defaultTimezone;
  else if (dto.defaultCountry !== undefined && before.defaultTimezone === defaultZoneForCountry(before.defaultCountry)) {
    // The zone followed the old country: it follows the new one (a zone chosen by hand stays).
    changes.defaultTimezone = defaultZoneForCountry(dto.defaultCountry) ?? before.defaultTimezone;
  }
  if (dto.maxConcurrentCalls !== undefined) changes.maxConcurrentCalls = dto.maxConcurrentCalls;
  if (dto.weight !== undefined) changes.weight = dto.weight;
  if (dto.maxAttempts !== undefined) changes.maxAttempts = dto.maxAttempts;
  if (dto.maxCallsPerNumber24h !== undefined) changes.maxCallsPerNumber24h = dto.maxCallsPerNumber24h;
  if (dto.retryPolicy !== undefined) changes.retryPolicy = plain(dto.retryPolicy as RetryPolicy);
  if (dto.callingWindow !== undefined) changes.callingWindow = resolveWindow(plain(dto.callingWindow as CallingWindow));
  if (dto.scheduledStartAt !== undefined) changes.scheduledStartAt = dto.scheduledStartAt;
  if (dto.scheduledEndAt !== undefined) changes.scheduledEndAt = dto.scheduledEndAt;
  if (dto.settings !== undefined) changes.settings = plain(dto.settings);
  if (dto.consentRequired !== undefined) changes.consentRequired = dto.consentRequired;
  if (dto.preDial !== undefined) {
    changes.preDial = dto.preDial === null ? null : plain({ url: dto.preDial.url, timeoutMs: dto.preDial.timeoutMs, onError: dto.preDial.onError });
  }
  // A schema may change while the campaign runs: existing leads are not rewritten (the audit keeps before and after).
  if (dto.leadSchema !== undefined) changes.leadSchema = validLeadSchema(dto.leadSchema);
  if (dto.complianceMode !== undefined && dto.complianceMode !== before.complianceMode) {
    if (before.status !== 'draft') {
      throw new AppError('invalid_state', 'the compliance mode can only change while the campaign is a draft', { status: 409, details: { status: before.status } });
    }
    changes.complianceMode = dto.complianceMode;
  }
  assertScheduleOrder(
    changes.scheduledStartAt !== undefined ? changes.scheduledStartAt : before.scheduledStartAt,
    changes.scheduledEndAt !== undefined ? changes.scheduledEndAt : before.scheduledEndAt);
  if (Object.keys(changes).length === 0) {
    return { ...before, warnings: (await checkCampaignNow(ds, before)).warnings };
  }

  let preDialSecret: string | undefined;
  const updated = await ds.transaction(async (m) => {
    // Optimistic: only the version we read may be changed, and never once finished.
    const changed = await updateCampaignAtVersion(m, tenantId, id, before.version, changes, {
      notIn: FINISHED_STATUSES, draftOnly: changes.complianceMode !== undefined,
    });
    if (!changed) {
      const now = await findCampaign(m, tenantId, id);
      if (!now) throw AppError.notFound('campaign', id);
      if (FINISHED_STATUSES.includes(now.status)) {
        throw new AppError('invalid_state', `a ${now.status} campaign cannot be changed`, { status: 409, details: { status: now.status } });
      }
      if (ifMatch !== undefined) {
        throw new AppError('precondition_failed', 'the campaign changed since it was read (If-Match does not match its ETag); read it again',
          { status: 412, details: { etag: campaignEtag(now), version: now.version } });
      }
      throw AppError.conflict('the campaign was changed by another request; read it again and retry', { version: now.version });
    }
    const after = await getCampaign(m, tenantId, id);
    // A hook set for the first time gets its signing secret (shown once); a removed one loses it.
    if (changes.preDial !== undefined) {
      if (after.preDial) preDialSecret = await ensurePreDialSecret(m, tenantId, id, secretsKey);
      else await storePreDialSecret(m, tenantId, id, null);
    }
    const beforeFields: Record<string, unknown> = {};
    const afterFields: Record<string, unknown> = {};
    for (const k of Object.keys(changes) as Array<keyof CampaignEntity>) {
      beforeFields[k] = before[k];
      afterFields[k] = after[k];
    }
    await writeAudit(m, { tenantId, apiKeyId, userId, action: 'campaign.update', entityType: 'campaign', entityId: id, before: beforeFields, after: afterFields });
    return after;
  });
  return { ...updated, warnings: (await checkCampaignNow(ds, updated)).warnings, ...(preDialSecret ? { preDialSecret } : {}) };
}
