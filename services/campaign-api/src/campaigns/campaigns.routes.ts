import { Router, type Request, type Response } from 'express';
import { findProviderConnection, readCampaignProgress, type CampaignEntity, type CampaignProgressRow, type DataSource, type EntityManager } from '@dialer/db';
import { defaultZoneForCountry, effectiveRetryPolicy, resolveWindow, type CallingWindow, type CampaignStatus, type RetryPolicy } from '@dialer/domain';
import { AppError, clock, validateInput } from '@dialer/platform';
import { checkCampaignNow, isCampaignCommand, runCampaignCommand, writeAudit } from '@dialer/db';
import { idempotent, jsonBodyHash } from '../http/idempotency';
import { authOf, pathId, toPage } from '../http/request-context';
import { tenantDefaultCountry } from '../tenants/tenants.repository';
import {
  cloneCampaign, findCampaign, findDeletedCampaign, getCampaign, insertCampaign, listCampaigns, restoreCampaign, softDeleteCampaign,
  updateCampaignAtVersion,
} from './campaigns.repository';
import {
  CloneCampaignDto, CreateCampaignDto, ListCampaignsQuery, SchedulePreviewQuery, UpdateCampaignDto,
  type Campaign, type CampaignWithWarnings, type CampaignPage, type CampaignProgress, type ClonedCampaign, type SchedulePreview,
} from './campaign.dto';
import { schedulePreview } from './schedule-preview';

/** The zone of a campaign whose country names none (an unknown country cannot pass validation). */
const FALLBACK_ZONE = 'America/New_York';

/** Statuses in which a campaign can no longer change (its leads, settings). */
export const FINISHED_STATUSES: readonly CampaignStatus[] = ['completed', 'stopped', 'cancelled'];

function plain<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

async function assertProviderConnection(m: EntityManager | DataSource, tenantId: string, id: string): Promise<void> {
  if (!await findProviderConnection(m, id, { tenantId })) {
    throw new AppError('validation_failed', 'request body is invalid: providerConnectionId names no provider connection', {
      status: 400, details: [{ field: 'providerConnectionId', reason: 'no provider connection with this id' }],
    });
  }
}

function assertScheduleOrder(start: Date | null | undefined, end: Date | null | undefined): void {
  if (start && end && end.getTime() <= start.getTime()) {
    throw new AppError('validation_failed', 'request body is invalid: scheduledEndAt must be after scheduledStartAt', {
      status: 400, details: [{ field: 'scheduledEndAt', reason: 'must be after scheduledStartAt' }],
    });
  }
}

/** The ETag of a campaign: its optimistic version. */
export function campaignEtag(c: { version: number }): string {
  return `"${c.version}"`;
}

/**
 * If-Match: absent → null (the version read in this request is used); `*` → null; otherwise the
 * version it names, or 412 when it names none or another version than `current`.
 */
function checkIfMatch(req: Request, current: { version: number }): void {
  const h = req.get('if-match');
  if (h === undefined || h.trim() === '*') return;
  const versions = h.split(',').map((t) => /^\s*(?:W\/)?"(\d+)"\s*$/.exec(t)?.[1]).filter((v): v is string => v !== undefined);
  if (!versions.includes(String(current.version))) {
    throw new AppError('precondition_failed', 'the campaign changed since it was read (If-Match does not match its ETag); read it again',
      { status: 412, details: { etag: campaignEtag(current), version: current.version } });
  }
}

function progressView(p: CampaignProgressRow | undefined): CampaignProgress {
  const callsEnded = p?.calls_ended ?? 0;
  const connected = p?.connected ?? 0;
  return {
    totalLeads: p?.total ?? 0, ended: p?.done ?? 0, liveCalls: p?.dialing ?? 0, callsEnded, connected,
    connectRate: callsEnded > 0 ? Math.round((connected / callsEnded) * 10_000) / 10_000 : 0,
  };
}

/** A campaign as the API shows it: its effective retry policy (defaults filled in), not only what was set. */
export function campaignView<T extends Campaign>(c: T): T {
  return { ...c, retryPolicy: effectiveRetryPolicy(c.retryPolicy) };
}

function sendCampaign(res: Response, c: Campaign | CampaignWithWarnings, status = 200): void {
  res.set('ETag', campaignEtag(c)).status(status).json(campaignView(c));
}

/** Called after a command changed a campaign's status (live event streams learn of it). */
export type StatusChanged = (campaignId: string) => Promise<void>;

export function campaignsRouter(ds: DataSource, statusChanged?: StatusChanged): Router {
  const r = Router();

  r.post('/campaigns', async (req, res) => {
    const { tenantId, apiKeyId, userId } = authOf(res);
    const dto = validateInput(CreateCampaignDto, req.body, { where: 'request body' });
    if (dto.providerConnectionId) await assertProviderConnection(ds, tenantId, dto.providerConnectionId);
    assertScheduleOrder(dto.scheduledStartAt, dto.scheduledEndAt);
    await idempotent(ds, req, res, tenantId, jsonBodyHash(req.body), async () => {
    const campaign = await ds.transaction(async (m) => {
      // Never a silent country: without its own, a campaign takes the tenant's (shown on the campaign).
      const defaultCountry = dto.defaultCountry ?? await tenantDefaultCountry(m, tenantId);
      const created = await insertCampaign(m, {
        tenantId,
        name: dto.name.trim(),
        status: 'draft',
        providerConnectionId: dto.providerConnectionId ?? null,
        defaultCountry,
        defaultTimezone: dto.defaultTimezone ?? defaultZoneForCountry(defaultCountry) ?? FALLBACK_ZONE,
        maxConcurrentCalls: dto.maxConcurrentCalls,
        maxAttempts: dto.maxAttempts,
        maxCallsPerNumber24h: dto.maxCallsPerNumber24h ?? null,
        retryPolicy: plain((dto.retryPolicy ?? {}) as RetryPolicy),
        callingWindow: resolveWindow(plain((dto.callingWindow ?? {}) as CallingWindow)),
        settings: plain(dto.settings ?? {}),
        complianceMode: dto.complianceMode ?? 'standard',
        scheduledStartAt: dto.scheduledStartAt ?? null,
        scheduledEndAt: dto.scheduledEndAt ?? null,
      });
      await writeAudit(m, { tenantId, apiKeyId, userId, action: 'campaign.create', entityType: 'campaign', entityId: created.id, after: created });
      return created;
    });
    res.set('ETag', campaignEtag(campaign));
    const { warnings } = await checkCampaignNow(ds, campaign);
    return { status: 201, body: campaignView({ ...campaign, warnings }) satisfies CampaignWithWarnings, location: `/v1/campaigns/${campaign.id}` };
    });
  });

  r.get('/campaigns', async (req, res) => {
    const { tenantId } = authOf(res);
    const q = validateInput(ListCampaignsQuery, { ...req.query }, { where: 'query string' });
    const page = toPage(await listCampaigns(ds, tenantId, q), q.limit);
    const progress = new Map((await readCampaignProgress(ds, tenantId, page.data.map((c) => c.id))).map((p) => [p.campaign_id, p]));
    res.json({ ...page, data: page.data.map((c) => ({ ...campaignView(plain(c)), progress: progressView(progress.get(c.id)) })) } satisfies CampaignPage);
  });

  r.get('/campaigns/:id', async (req, res) => {
    const { tenantId } = authOf(res);
    sendCampaign(res, await getCampaign(ds, tenantId, pathId(req.params.id, 'campaign')));
  });

  // Hour by hour, how many open leads may be called and in which zones (campaign window ∩ rule packs).
  r.get('/campaigns/:id/schedule-preview', async (req, res) => {
    const { tenantId } = authOf(res);
    const campaign = await getCampaign(ds, tenantId, pathId(req.params.id, 'campaign'));
    const q = validateInput(SchedulePreviewQuery, { ...req.query }, { where: 'query string' });
    res.json(await schedulePreview(ds, campaign, q.from ?? clock.now(), q.days) satisfies SchedulePreview);
  });

  r.patch('/campaigns/:id', async (req, res) => {
    const { tenantId, apiKeyId, userId } = authOf(res);
    const id = pathId(req.params.id, 'campaign');
    const before = await getCampaign(ds, tenantId, id);
    const dto = validateInput(UpdateCampaignDto, req.body, { where: 'request body' });
    checkIfMatch(req, before);
    if (FINISHED_STATUSES.includes(before.status)) {
      throw new AppError('invalid_state', `a ${before.status} campaign cannot be changed`, { status: 409, details: { status: before.status } });
    }
    const changes: Partial<CampaignEntity> = {};
    if (dto.name !== undefined) changes.name = dto.name.trim();
    if (dto.providerConnectionId !== undefined) {
      if (dto.providerConnectionId !== null) await assertProviderConnection(ds, tenantId, dto.providerConnectionId);
      changes.providerConnectionId = dto.providerConnectionId;
    }
    if (dto.defaultCountry !== undefined) changes.defaultCountry = dto.defaultCountry;
    if (dto.defaultTimezone !== undefined) changes.defaultTimezone = dto.defaultTimezone;
    else if (dto.defaultCountry !== undefined && before.defaultTimezone === defaultZoneForCountry(before.defaultCountry)) {
      // The zone followed the old country: it follows the new one (a zone chosen by hand stays).
      changes.defaultTimezone = defaultZoneForCountry(dto.defaultCountry) ?? before.defaultTimezone;
    }
    if (dto.maxConcurrentCalls !== undefined) changes.maxConcurrentCalls = dto.maxConcurrentCalls;
    if (dto.maxAttempts !== undefined) changes.maxAttempts = dto.maxAttempts;
    if (dto.maxCallsPerNumber24h !== undefined) changes.maxCallsPerNumber24h = dto.maxCallsPerNumber24h;
    if (dto.retryPolicy !== undefined) changes.retryPolicy = plain(dto.retryPolicy as RetryPolicy);
    if (dto.callingWindow !== undefined) changes.callingWindow = resolveWindow(plain(dto.callingWindow as CallingWindow));
    if (dto.scheduledStartAt !== undefined) changes.scheduledStartAt = dto.scheduledStartAt;
    if (dto.scheduledEndAt !== undefined) changes.scheduledEndAt = dto.scheduledEndAt;
    if (dto.settings !== undefined) changes.settings = plain(dto.settings);
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
      sendCampaign(res, { ...before, warnings: (await checkCampaignNow(ds, before)).warnings } satisfies CampaignWithWarnings);
      return;
    }

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
        if (req.get('if-match') !== undefined) {
          throw new AppError('precondition_failed', 'the campaign changed since it was read (If-Match does not match its ETag); read it again',
            { status: 412, details: { etag: campaignEtag(now), version: now.version } });
        }
        throw AppError.conflict('the campaign was changed by another request; read it again and retry', { version: now.version });
      }
      const after = await getCampaign(m, tenantId, id);
      const beforeFields: Record<string, unknown> = {};
      const afterFields: Record<string, unknown> = {};
      for (const k of Object.keys(changes) as Array<keyof CampaignEntity>) {
        beforeFields[k] = before[k];
        afterFields[k] = after[k];
      }
      await writeAudit(m, { tenantId, apiKeyId, userId, action: 'campaign.update', entityType: 'campaign', entityId: id, before: beforeFields, after: afterFields });
      return after;
    });
    sendCampaign(res, { ...updated, warnings: (await checkCampaignNow(ds, updated)).warnings } satisfies CampaignWithWarnings);
  });

  r.delete('/campaigns/:id', async (req, res) => {
    const { tenantId, apiKeyId, userId } = authOf(res);
    const id = pathId(req.params.id, 'campaign');
    const ifMatch = req.get('if-match') !== undefined ? await getCampaign(ds, tenantId, id) : null;
    if (ifMatch) checkIfMatch(req, ifMatch);
    await ds.transaction(async (m) => {
      const deletedFrom = await softDeleteCampaign(m, tenantId, id, ifMatch?.version ?? null);
      if (deletedFrom === null) {
        const now = await findCampaign(m, tenantId, id);
        if (!now) throw AppError.notFound('campaign', id);
        if (ifMatch && now.version !== ifMatch.version) checkIfMatch(req, now);
        throw new AppError('invalid_state', 'a running campaign must be stopped before it is deleted', { status: 409, details: { status: now.status } });
      }
      await writeAudit(m, { tenantId, apiKeyId, userId, action: 'campaign.delete', entityType: 'campaign', entityId: id, before: { status: deletedFrom }, after: { deleted: true } });
    });
    res.status(204).end();
  });

  r.post('/campaigns/:id/restore', async (req, res) => {
    const { tenantId, apiKeyId, userId } = authOf(res);
    const id = pathId(req.params.id, 'campaign');
    const restored = await ds.transaction(async (m) => {
      if (!await restoreCampaign(m, tenantId, id)) {
        if (await findDeletedCampaign(m, tenantId, id) === null && await findCampaign(m, tenantId, id)) {
          throw new AppError('invalid_state', 'the campaign is not deleted', { status: 409 });
        }
        throw AppError.notFound('campaign', id);
      }
      await writeAudit(m, { tenantId, apiKeyId, userId, action: 'campaign.restore', entityType: 'campaign', entityId: id, before: { deleted: true }, after: { deleted: false } });
      return getCampaign(m, tenantId, id);
    });
    sendCampaign(res, restored);
  });

  r.post('/campaigns/:id/clone', async (req, res) => {
    const { tenantId, apiKeyId, userId } = authOf(res);
    const id = pathId(req.params.id, 'campaign');
    const source = await getCampaign(ds, tenantId, id);
    const dto = validateInput(CloneCampaignDto, req.body ?? {}, { where: 'request body' });
    await idempotent(ds, req, res, tenantId, jsonBodyHash(req.body), async () => {
      const { campaign, leadsCopied } = await ds.transaction(async (m) => {
        const out = await cloneCampaign(m, source, { name: dto.name?.trim() ?? `${source.name} (copy)`.slice(0, 200), includeLeads: dto.includeLeads ?? false });
        await writeAudit(m, { tenantId, apiKeyId, userId, action: 'campaign.clone', entityType: 'campaign', entityId: out.campaign.id,
          after: { sourceId: source.id, leadsCopied: out.leadsCopied } });
        return out;
      });
      res.set('ETag', campaignEtag(campaign));
      return { status: 201, body: campaignView({ ...campaign, clonedFrom: source.id, leadsCopied }) satisfies ClonedCampaign, location: `/v1/campaigns/${campaign.id}` };
    });
  });

  r.post('/campaigns/:id/:command', async (req, res, next) => {
    const command = req.params.command;
    if (!isCampaignCommand(command)) {
      next();
      return;
    }
    const { tenantId, apiKeyId, userId } = authOf(res);
    const id = pathId(req.params.id, 'campaign');
    const { campaign } = await runCampaignCommand(ds, { tenantId, campaignId: id, command, apiKeyId, userId });
    await statusChanged?.(campaign.id);
    sendCampaign(res, { ...campaign, warnings: (await checkCampaignNow(ds, campaign)).warnings } satisfies CampaignWithWarnings);
  });

  return r;
}
