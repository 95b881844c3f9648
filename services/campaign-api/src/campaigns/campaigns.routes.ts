import { Router, type Response } from 'express';
import { readCampaignProgress, type CampaignProgressRow, type DataSource } from '@dialer/db';
import { defaultZoneForCountry, effectiveRetryPolicy, resolveWindow, type CallingWindow, type RetryPolicy } from '@dialer/domain';
import { clock, validateInput } from '@dialer/platform';
import { checkCampaignNow, isCampaignCommand, runCampaignCommand, writeAudit } from '@dialer/db';
import { idempotent, jsonBodyHash } from '../http/idempotency';
import { authOf, pathId, toPage } from '../http/request-context';
import { tenantDefaultCountry } from '../tenants/tenants.repository';
import { assertProviderConnection, assertScheduleOrder, campaignEtag, plain } from './campaign-checks';
import { cloneCampaign, getCampaign, insertCampaign, listCampaigns } from './campaigns.repository';
import { deleteCampaign } from './delete-campaign';
import { restoreCampaign } from './restore-campaign';
import { updateCampaign } from './update-campaign';
import {
  CloneCampaignDto, CreateCampaignDto, ListCampaignsQuery, SchedulePreviewQuery, UpdateCampaignDto,
  type Campaign, type CampaignWithWarnings, type CampaignPage, type CampaignProgress, type ClonedCampaign, type SchedulePreview,
} from './campaign.dto';
import { schedulePreview } from './schedule-preview';

/** The zone of a campaign whose country names none (an unknown country cannot pass validation). */
const FALLBACK_ZONE = 'America/New_York';

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
    const auth = authOf(res);
    const before = await getCampaign(ds, auth.tenantId, pathId(req.params.id, 'campaign'));
    const dto = validateInput(UpdateCampaignDto, req.body, { where: 'request body' });
    sendCampaign(res, await updateCampaign(ds, auth, before, dto, req.get('if-match')));
  });

  r.delete('/campaigns/:id', async (req, res) => {
    const auth = authOf(res);
    await deleteCampaign(ds, auth, pathId(req.params.id, 'campaign'), req.get('if-match'));
    res.status(204).end();
  });

  r.post('/campaigns/:id/restore', async (req, res) => {
    const auth = authOf(res);
    sendCampaign(res, await restoreCampaign(ds, auth, pathId(req.params.id, 'campaign')));
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
