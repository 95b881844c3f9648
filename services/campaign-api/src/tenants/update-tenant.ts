import type { DataSource, TenantEntity } from '@dialer/db';
import { AppError } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import type { AuthContext } from '../http/request-context';
import type { UpdateTenantDto } from './tenant.dto';
import { findTenant, setTenantSettings, type TenantSettings } from './tenants.repository';

/** The fields of a tenant PATCH changes and their values before and after. */
function settingsOf(t: TenantEntity): TenantSettings {
  return {
    defaultCountry: t.defaultCountry,
    maxConcurrentCalls: t.maxConcurrentCalls,
    weight: t.weight,
    retentionCallDataDays: t.retentionCallDataDays,
    retentionAttemptsDays: t.retentionAttemptsDays,
    retentionWebhookEventsDays: t.retentionWebhookEventsDays,
    retentionEndedLeadsDays: t.retentionEndedLeadsDays,
  };
}

/**
 * Changes the caller's tenant: its default country (for campaigns created from now on), its limit on
 * live calls across its campaigns, its weight on shared provider accounts, and its retention settings
 * (only the fields given; null keeps that kind of data forever); audited.
 */
export async function updateTenant(ds: DataSource, auth: AuthContext, dto: UpdateTenantDto): Promise<TenantEntity> {
  const { tenantId, apiKeyId, userId } = auth;
  const r = dto.retention;
  if (dto.defaultCountry === undefined && dto.maxConcurrentCalls === undefined && dto.weight === undefined
    && !(r && Object.values(r).some((v) => v !== undefined))) {
    throw new AppError('validation_failed', 'request body is invalid: give defaultCountry, maxConcurrentCalls, weight or retention (at least one of its fields)', { status: 400 });
  }
  return ds.transaction(async (m) => {
    const before = await findTenant(m, tenantId);
    if (!before) throw AppError.notFound('tenant', tenantId);
    const was = settingsOf(before);
    const next: TenantSettings = {
      defaultCountry: dto.defaultCountry ?? was.defaultCountry,
      maxConcurrentCalls: dto.maxConcurrentCalls === undefined ? was.maxConcurrentCalls : dto.maxConcurrentCalls,
      weight: dto.weight ?? was.weight,
      retentionCallDataDays: r?.callDataDays === undefined ? was.retentionCallDataDays : r.callDataDays,
      retentionAttemptsDays: r?.attemptsDays === undefined ? was.retentionAttemptsDays : r.attemptsDays,
      retentionWebhookEventsDays: r?.webhookEventsDays === undefined ? was.retentionWebhookEventsDays : r.webhookEventsDays,
      retentionEndedLeadsDays: r?.endedLeadsDays === undefined ? was.retentionEndedLeadsDays : r.endedLeadsDays,
    };
    await setTenantSettings(m, tenantId, next);
    const changed = (Object.keys(next) as Array<keyof TenantSettings>).filter((k) => next[k] !== was[k]);
    if (changed.length) {
      await writeAudit(m, { tenantId, apiKeyId, userId, action: 'tenant.update', entityType: 'tenant', entityId: tenantId,
        before: Object.fromEntries(changed.map((k) => [k, was[k]])), after: Object.fromEntries(changed.map((k) => [k, next[k]])) });
    }
    return { ...before, ...next };
  });
}
