import { Router } from 'express';
import { recountCampaign, type DataSource } from '@dialer/db';
import { AppError, validateInput } from '@dialer/platform';
import type { ConcurrencyLease } from '@dialer/queue';
import { getCampaign } from '../campaigns/campaigns.repository';
import { authOf, pathId } from '../http/request-context';
import type { CampaignEventsHub } from './campaign-events.hub';
import { loadCampaignStats } from './campaign-stats';
import { AnalyticsQuery, TimeSeriesQuery, type Analytics, type RecountResult, type TimeSeries } from './stats.dto';
import { readAnalytics, readTimeSeries } from './analytics.repository';

const DAY_MS = 86_400_000;

/**
 * Stats of one campaign (counters only), its time series, its live event stream (SSE), the admin
 * recount, and analytics across the tenant's campaigns.
 */
export function statsRouter(ds: DataSource, lease: ConcurrencyLease, events?: CampaignEventsHub, reportGraceMs?: number): Router {
  const r = Router();

  r.get('/campaigns/:id/stats', async (req, res) => {
    const { tenantId } = authOf(res);
    res.json(await loadCampaignStats(ds, lease, tenantId, pathId(req.params.id, 'campaign'), { reportGraceMs }));
  });

  r.get('/campaigns/:id/stats/timeseries', async (req, res) => {
    const { tenantId } = authOf(res);
    const campaign = await getCampaign(ds, tenantId, pathId(req.params.id, 'campaign'));
    const q = validateInput(TimeSeriesQuery, { ...req.query }, { where: 'query string' });
    res.json({ campaignId: campaign.id, ...(await readTimeSeries(ds, tenantId, campaign.id, q)) } satisfies TimeSeries);
  });

  r.post('/campaigns/:id/stats/recount', async (req, res) => {
    const { tenantId, role } = authOf(res);
    if (role !== 'admin') throw new AppError('forbidden', 'the recount needs an admin API key', { status: 403 });
    const campaign = await getCampaign(ds, tenantId, pathId(req.params.id, 'campaign'));
    res.json(await recountCampaign(ds, tenantId, campaign.id) satisfies RecountResult);
  });

  r.get('/campaigns/:id/events', async (req, res) => {
    const { tenantId } = authOf(res);
    const campaign = await getCampaign(ds, tenantId, pathId(req.params.id, 'campaign'));
    if (!events) throw new AppError('unavailable', 'live events are not enabled on this server', { status: 503 });
    await events.attach(tenantId, campaign.id, res);
  });

  r.get('/analytics', async (req, res) => {
    const { tenantId } = authOf(res);
    const q = validateInput(AnalyticsQuery, { ...req.query }, { where: 'query string' });
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - 7 * DAY_MS);
    if (from >= to) throw new AppError('invalid_input', 'from must be before to', { status: 400 });
    if (to.getTime() - from.getTime() > 366 * DAY_MS) throw new AppError('invalid_input', 'at most 366 days per request', { status: 400 });
    const campaign = q.campaignId ? await getCampaign(ds, tenantId, q.campaignId) : null;
    if (q.groupBy === 'field') {
      if (!campaign) throw new AppError('validation_failed', 'query string is invalid: groupBy field needs campaignId (a lead schema belongs to a campaign)', { status: 400, details: [{ field: 'campaignId', reason: 'required with groupBy field' }] });
      const names = campaign.leadSchema?.fields.map((f) => f.name) ?? [];
      if (!q.field || !names.includes(q.field)) {
        throw new AppError('validation_failed', `query string is invalid: field must name a field of the campaign's lead schema (${names.length ? names.join(', ') : 'it has none'})`,
          { status: 400, details: [{ field: 'field', reason: names.length ? `one of ${names.join(', ')}` : 'the campaign has no lead schema' }] });
      }
    }
    res.json({ from, to, groupBy: q.groupBy, tz: q.tz, ...(await readAnalytics(ds, tenantId, { ...q, from, to })) } satisfies Analytics);
  });

  return r;
}
