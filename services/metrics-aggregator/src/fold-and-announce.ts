import { foldCallAttempts, type DataSource, type ReportWait } from '@dialer/db';
import { clock, type Logger } from '@dialer/platform';
import type { AggregatorMetrics } from './aggregator.metrics';
import type { CampaignEventsPublisher } from './campaign-events.publisher';
import { completeCampaignsIfDone, completeFinishedCampaigns, type CompletedCampaign } from './campaigns.repository';

export interface FoldDeps {
  ds: DataSource;
  metrics: AggregatorMetrics;
  events: CampaignEventsPublisher;
  logger: Logger;
  /** How long a campaign waits for an ended call's post-call report (CAMPAIGN_REPORT_GRACE_MS). */
  reportGraceMs: number;
}

/** Folds ended attempts into their campaigns' stats (exactly once), in one transaction (foldCallAttempts); whether each was counted now, in the order of the ids. */
export async function foldAttempts(deps: FoldDeps, callAttemptIds: readonly string[]): Promise<boolean[]> {
  const results = await foldCallAttempts(deps.ds, callAttemptIds);
  await Promise.all(results.map(async (r, i) => {
    if (!r.counted) return;
    deps.metrics.callsFolded.inc({ outcome: r.outcome ?? 'unknown' });
    await deps.events.callFolded(callAttemptIds[i]!, r);
  }));
  return results.map((r) => r.counted);
}

async function reportCompleted(deps: FoldDeps, done: CompletedCampaign[]): Promise<void> {
  for (const c of done) {
    deps.metrics.campaignsCompleted.inc();
    deps.logger.info({ campaignId: c.id, tenantId: c.tenant_id }, 'campaign completed');
  }
  await deps.events.statsChanged(done.map((c) => ({ campaignId: c.id, tenantId: c.tenant_id })));
}

function reportWait(deps: FoldDeps): ReportWait {
  return { graceMs: deps.reportGraceMs, now: clock.now() };
}

/** Completes the campaigns with nothing left to do, an awaited post-call report included, in one statement; the ids of those completed now. */
export async function checkCampaignsCompletion(
  deps: FoldDeps, campaigns: ReadonlyArray<{ tenantId: string; campaignId: string }>,
): Promise<Set<string>> {
  const done = await completeCampaignsIfDone(deps.ds, campaigns, reportWait(deps));
  await reportCompleted(deps, done);
  return new Set(done.map((c) => c.id));
}

export async function checkAllCampaignsCompletion(deps: FoldDeps): Promise<number> {
  const done = await completeFinishedCampaigns(deps.ds, reportWait(deps));
  await reportCompleted(deps, done);
  return done.length;
}
