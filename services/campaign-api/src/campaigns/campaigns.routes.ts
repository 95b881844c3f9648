import { Router, type Response } from 'express';
import { readCampaignProgress, type CampaignProgressRow, type DataSource } from '@dialer/db';
import { effectiveRetryPolicy } from '@dialer/domain';
import { clock, validateInput } from '@dialer/platform';
import { checkCampaignNow, isCampaignCommand, runCampaignCommand } from '@dialer/db';
import { idempotent, jsonBodyHash, type StoredAnswer } from '../http/idempotency';
import { authOf, pathId, toPage } from '../http/request-context';
import { campaignEtag, plain } from './campaign-checks';
import { getCampaign, listCampaigns } from './campaigns.repository';
import { cloneCampaign } from './clone-campaign';
import { checkNewCampaign, createCampaign } from './create-campaign';
import { deleteCampaign } from './delete-campaign';
import { restoreCampaign } from './restore-campaign';
import { updateCampaign } from './update-campaign';
import { assertPublicHook, rotatePreDialSecret } from './pre-dial-secret';
import {
  CloneCampaignDto, CreateCampaignDto, ListCampaignsQuery, SchedulePreviewQuery, UpdateCampaignDto,
  type Campaign, type CampaignWithWarnings, type PreDialSecret, type CampaignPage, type CampaignProgress, type ClonedCampaign, type SchedulePreview,
} from './campaign.dto';
import { schedulePreview } from './schedule-preview';

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

/** What an Idempotency-Key keeps of a created campaign: never the pre-dial secret (a replay does not show it again). */
function withoutPreDialSecret(answer: StoredAnswer): StoredAnswer {
  const { preDialSecret: _secret, ...body } = answer.body as CampaignWithWarnings;
  return { ...answer, body };
}

/** Called after a command changed a campaign's status (live event streams learn of it). */
export type StatusChanged = (campaignId: string) => Promise<void>;

export function campaignsRouter(ds: DataSource, statusChanged?: StatusChanged, secretsKey = '', publicHooksOnly = false): Router {
  const r = Router();

  r.post('/campaigns', async (req, res) => {
    const auth = authOf(res);
    const dto = validateInput(CreateCampaignDto, req.body, { where: 'request body' });
    if (publicHooksOnly && dto.preDial) assertPublicHook(dto.preDial.url);
    await checkNewCampaign(ds, auth.tenantId, dto);
    await idempotent(ds, req, res, auth.tenantId, jsonBodyHash(req.body), async () => {
      const campaign = await createCampaign(ds, auth, dto, secretsKey);
      res.set('ETag', campaignEtag(campaign));
      return { status: 201, body: campaignView(campaign) satisfies CampaignWithWarnings, location: `/v1/campaigns/${campaign.id}` };
    }, withoutPreDialSecret);
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
    if (publicHooksOnly && dto.preDial) assertPublicHook(dto.preDial.url);
    sendCampaign(res, await updateCampaign(ds, auth, before, dto, req.get('if-match'), secretsKey));
  });

  // A new signing secret for the campaign's pre-dial hook, shown once.
  r.post('/campaigns/:id/pre-dial/rotate-secret', async (req, res) => {
    const secret = await rotatePreDialSecret(ds, authOf(res), pathId(req.params.id, 'campaign'), secretsKey);
    res.json({ preDialSecret: secret } satisfies PreDialSecret);
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
    const auth = authOf(res);
    const source = await getCampaign(ds, auth.tenantId, pathId(req.params.id, 'campaign'));
    const dto = validateInput(CloneCampaignDto, req.body ?? {}, { where: 'request body' });
    await idempotent(ds, req, res, auth.tenantId, jsonBodyHash(req.body), async () => {
      const { campaign, leadsCopied } = await cloneCampaign(ds, auth, source, dto);
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
