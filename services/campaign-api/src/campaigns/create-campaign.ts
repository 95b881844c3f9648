import { checkCampaignNow, writeAudit, type DataSource } from '@dialer/db';
import { defaultZoneForCountry, resolveWindow, type CallingWindow, type RetryPolicy } from '@dialer/domain';
import type { AuthContext } from '../http/request-context';
import { tenantDefaultCountry } from '../tenants/tenants.repository';
import type { CampaignWithWarnings, CreateCampaignDto } from './campaign.dto';
import { assertOverridesFit, assertProviderConnection, assertScheduleOrder, orNull, plain } from './campaign-checks';
import { insertCampaign } from './campaigns.repository';
import { ensurePreDialSecret } from './pre-dial-secret';
import { validLeadSchema } from './lead-schema-checks';

/** The zone of a campaign whose country names none (an unknown country cannot pass validation). */
const FALLBACK_ZONE = 'America/New_York';

/**
 * The checks of a new campaign: a known provider connection, overrides that fit its type, the schedule in order, a valid lead schema. The route runs
 * them before it claims the request's Idempotency-Key, so a bad request never takes a key.
 */
export async function checkNewCampaign(ds: DataSource, tenantId: string, dto: CreateCampaignDto): Promise<void> {
  const conn = dto.providerConnectionId ? await assertProviderConnection(ds, tenantId, dto.providerConnectionId) : null;
  assertOverridesFit(conn, { agent: dto.agentOverride, callerId: dto.callerIdOverride });
  assertScheduleOrder(dto.scheduledStartAt, dto.scheduledEndAt);
  if (dto.leadSchema !== undefined) validLeadSchema(dto.leadSchema);
}

/**
 * Creates a draft campaign (checked by checkNewCampaign), audited (a pre-dial hook gets its signing
 * secret, shown once in the answer): a campaign without its own
 * country takes the tenant's, and the zone of its country; the window is stored resolved. Answers
 * the campaign with what would keep it from calling now (warnings).
 */
export async function createCampaign(ds: DataSource, auth: AuthContext, dto: CreateCampaignDto, secretsKey = ''): Promise<CampaignWithWarnings> {
  const { tenantId, apiKeyId, userId } = auth;
  let preDialSecret: string | undefined;
  const campaign = await ds.transaction(async (m) => {
    // Never a silent country: without its own, a campaign takes the tenant's (shown on the campaign).
    const defaultCountry = dto.defaultCountry ?? await tenantDefaultCountry(m, tenantId);
    const created = await insertCampaign(m, {
      tenantId,
      name: dto.name.trim(),
      description: orNull(dto.description),
      status: 'draft',
      providerConnectionId: dto.providerConnectionId ?? null,
      agentOverride: orNull(dto.agentOverride),
      callerIdOverride: orNull(dto.callerIdOverride),
      ringTimeoutSeconds: dto.ringTimeoutSeconds,
      defaultCountry,
      defaultTimezone: dto.defaultTimezone ?? defaultZoneForCountry(defaultCountry) ?? FALLBACK_ZONE,
      maxConcurrentCalls: dto.maxConcurrentCalls,
      weight: dto.weight,
      maxAttempts: dto.maxAttempts,
      maxCallsPerNumber24h: dto.maxCallsPerNumber24h ?? null,
      retryPolicy: plain((dto.retryPolicy ?? {}) as RetryPolicy),
      callingWindow: resolveWindow(plain((dto.callingWindow ?? {}) as CallingWindow)),
      settings: plain(dto.settings ?? {}),
      leadSchema: dto.leadSchema !== undefined ? validLeadSchema(dto.leadSchema) : null,
      complianceMode: dto.complianceMode ?? 'standard',
      scheduledStartAt: dto.scheduledStartAt ?? null,
      scheduledEndAt: dto.scheduledEndAt ?? null,
      consentRequired: dto.consentRequired ?? null,
      preDial: dto.preDial ? plain({ url: dto.preDial.url, timeoutMs: dto.preDial.timeoutMs, onError: dto.preDial.onError }) : null,
    });
    // The hook's signing secret, generated with it and shown once (below).
    if (created.preDial) preDialSecret = await ensurePreDialSecret(m, tenantId, created.id, secretsKey);
    await writeAudit(m, { tenantId, apiKeyId, userId, action: 'campaign.create', entityType: 'campaign', entityId: created.id, after: created });
    return created;
  });
  const { warnings } = await checkCampaignNow(ds, campaign);
  return { ...campaign, warnings, ...(preDialSecret ? { preDialSecret } : {}) };
}
