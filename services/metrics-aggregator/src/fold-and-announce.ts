import { foldCallAttempt, type DataSource } from '@dialer/db';
import type { Logger } from '@dialer/platform';
import type { AggregatorMetrics } from './aggregator.metrics';
import type { CampaignEventsPublisher } from './campaign-events.publisher';
import { completeCampaignIfDone, completeFinishedCampaigns, type CompletedCampaign } from './campaigns.repository';

export interface FoldDeps {
  ds: DataSource;
  metrics: AggregatorMetrics;
  events: CampaignEventsPublisher;
  logger: Logger;
}

/** Folds one ended attempt into its campaign's stats (exactly once); true when this call counted it. */
export async function foldAttempt(deps: FoldDeps, callAttemptId: string): Promise<boolean> {
  const r = await foldCallAttempt(deps.ds, callAttemptId);
  if (r.counted) {
    deps.metrics.callsFolded.inc({ outcome: r.outcome ?? 'unknown' });
    await deps.events.callFolded(callAttemptId, r);
  }
  return r.counted;
}

async function reportCompleted(deps: FoldDeps, done: CompletedCampaign[]): Promise<void> {
  for (const c of done) {
    deps.metrics.campaignsCompleted.inc();
    deps.logger.info({ campaignId: c.id, tenantId: c.tenant_id }, 'campaign completed');
  }
  await deps.events.statsChanged(done.map((c) => ({ campaignId: c.id, tenantId: c.tenant_id })));
}

export async function checkCampaignCompletion(deps: FoldDeps, tenantId: string, campaignId: string): Promise<boolean> {
  const done = await completeCampaignIfDone(deps.ds, tenantId, campaignId);
  await reportCompleted(deps, done ? [done] : []);
  return done !== null;
}

export async function checkAllCampaignsCompletion(deps: FoldDeps): Promise<number> {
  const done = await completeFinishedCampaigns(deps.ds);
  await reportCompleted(deps, done);
  return done.length;
}
