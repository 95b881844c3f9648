import {
  countQueuedLeads, deferLeads, endLeads, lockDueLeads, lockRunningCampaign, markLeadsQueued,
  type DataSource, type DueLead, type EntityManager, type RunningCampaign,
} from '@dialer/db';
import { isCallableAt, leadZones, nextCallableAt, rulesForCallee } from '@dialer/domain';
import { clock } from '@dialer/platform';
import type { DialJob } from '@dialer/queue';

export interface HopperSize {
  hopperMin: number;
  hopperFactor: number;
}

export interface FeedResult {
  /** Dial jobs to add, after the transaction that queued their leads committed. */
  jobs: DialJob[];
  /**
   * The hopper position of the first job (1: the campaign had nothing queued); the jobs after it
   * follow on. The dial queue serves lower positions first (see dialPriority), so the campaigns'
   * jobs are dialled in turns, one of each, instead of in the order the feeder added them.
   */
  firstPosition: number;
  /** Leads moved to a later calling window. */
  deferred: number;
  /** Leads ended because no window opens for them (no_window) or no attempts are left (exhausted). */
  ended: number;
}

const MAX_ROUNDS = 5;

export function hopperTarget(maxConcurrentCalls: number, h: HopperSize): number {
  return Math.max(h.hopperMin, maxConcurrentCalls * h.hopperFactor);
}

/**
 * Tops up one campaign's hopper. In one transaction: re-checks the campaign is running (FOR SHARE,
 * so a concurrent stop waits for this and then ends what was queued here), takes due pending leads
 * with FOR UPDATE SKIP LOCKED (several feeders never take the same lead), queues those whose
 * calling window is open now (campaign schedule ∩ the callee's rule pack, in every candidate zone),
 * and moves the others to their next window opening. `now` is the dialer's clock.
 */
export async function feedCampaign(
  ds: DataSource, campaign: RunningCampaign & { queued?: number }, size: HopperSize, now = clock.now(),
): Promise<FeedResult> {
  const target = hopperTarget(campaign.max_concurrent_calls, size);
  const queued = campaign.queued ?? await countQueuedLeads(ds, campaign.id);
  let need = target - queued;
  if (need <= 0) return { jobs: [], firstPosition: queued + 1, deferred: 0, ended: 0 };

  return ds.transaction(async (m) => {
    const c = await lockRunningCampaign(m, campaign.id);
    const result: FeedResult = { jobs: [], firstPosition: queued + 1, deferred: 0, ended: 0 };
    if (!c) return result;
    for (let round = 0; round < MAX_ROUNDS && need > 0; round++) {
      const asked = need;
      const leads = await lockDueLeads(m, c.id, asked, now);
      if (leads.length === 0) break;
      const sorted = sortLeads(c, leads, now);
      await writeSortedLeads(m, sorted);
      for (const l of sorted.queued) result.jobs.push({ tenantId: c.tenant_id, campaignId: c.id, leadId: l.id, attemptNo: l.attempts + 1 });
      result.deferred += sorted.later.length;
      result.ended += sorted.noWindow.length + sorted.exhausted.length;
      need -= sorted.queued.length;
      if (leads.length < asked) break; // nothing more is due now
    }
    return result;
  });
}

interface SortedLeads {
  queued: Array<{ id: string; attempts: number }>;
  later: Array<{ id: string; at: Date }>;
  noWindow: string[];
  exhausted: string[];
}

/** Decides, lead by lead: no attempts left, callable now, callable at its next window opening, or never. */
function sortLeads(c: RunningCampaign, leads: DueLead[], now: Date): SortedLeads {
  const sorted: SortedLeads = { queued: [], later: [], noWindow: [], exhausted: [] };
  for (const l of leads) {
    if (l.attempts >= c.max_attempts) {
      sorted.exhausted.push(l.id);
      continue;
    }
    const zones = leadZones(l.timezones, c.default_timezone);
    const rules = rulesForCallee(c.calling_window ?? {}, l.phone_e164);
    if (isCallableAt(rules, zones, now)) {
      sorted.queued.push(l);
      continue;
    }
    const next = nextCallableAt(rules, zones, now, 366);
    if (next) sorted.later.push({ id: l.id, at: next });
    else sorted.noWindow.push(l.id);
  }
  return sorted;
}

/** Writes what sortLeads decided, in the feeding transaction. */
async function writeSortedLeads(m: EntityManager, sorted: SortedLeads): Promise<void> {
  await markLeadsQueued(m, sorted.queued.map((l) => l.id));
  await deferLeads(m, sorted.later);
  await endLeads(m, sorted.noWindow, 'no_window');
  await endLeads(m, sorted.exhausted, 'exhausted');
}
