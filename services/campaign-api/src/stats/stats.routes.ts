import { Router } from 'express';
import { CampaignStatsEntity, type DataSource } from '@dialer/db';
import type { ConcurrencyLease } from '@dialer/queue';
import { getCampaign } from '../campaigns/campaigns.repository';
import { authOf, pathId } from '../http/request-context';

export interface LeadCounts {
  pending: number;
  queued: number;
  dialing: number;
  done: number;
}

/** Leads per status for one campaign of one tenant. */
export async function leadCounts(ds: DataSource, tenantId: string, campaignId: string): Promise<LeadCounts> {
  const rows: Array<{ status: keyof LeadCounts; n: string }> = await ds.query(
    `SELECT status, count(*) AS n FROM leads WHERE campaign_id = $1 AND tenant_id = $2 GROUP BY status`,
    [campaignId, tenantId]);
  const counts: LeadCounts = { pending: 0, queued: 0, dialing: 0, done: 0 };
  for (const r of rows) if (r.status in counts) counts[r.status] = Number(r.n);
  return counts;
}

export function statsRouter(ds: DataSource, lease: ConcurrencyLease): Router {
  const r = Router();

  r.get('/campaigns/:id/stats', async (req, res) => {
    const { tenantId } = authOf(res);
    const campaign = await getCampaign(ds, tenantId, pathId(req.params.id, 'campaign'));
    const [stats, leads, liveCalls] = await Promise.all([
      ds.getRepository(CampaignStatsEntity).findOneBy({ campaignId: campaign.id, tenantId }),
      leadCounts(ds, tenantId, campaign.id),
      lease.held(campaign.id),
    ]);
    const s = stats ?? null;
    const talkSeconds = s?.talkSeconds ?? 0;
    const talked = (s?.connected ?? 0) + (s?.voicemail ?? 0);
    res.json({
      campaignId: campaign.id,
      status: campaign.status,
      totalLeads: s?.totalLeads ?? 0,
      leads,
      dispositions: s?.dispositions ?? {},
      attempts: s?.attempts ?? 0,
      callsEnded: s?.callsEnded ?? 0,
      connected: s?.connected ?? 0,
      voicemail: s?.voicemail ?? 0,
      busy: s?.busy ?? 0,
      noAnswer: s?.noAnswer ?? 0,
      failed: s?.failed ?? 0,
      canceled: s?.canceled ?? 0,
      dncSuppressed: s?.dncSuppressed ?? 0,
      talkSeconds,
      averageTalkSeconds: talked ? Math.round((talkSeconds / talked) * 10) / 10 : 0,
      liveCalls,
      completedAt: campaign.completedAt,
    });
  });

  return r;
}
