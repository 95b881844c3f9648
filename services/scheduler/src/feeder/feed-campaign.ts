import {
  deferLeads, endLeads, lockDueLeadsOf, lockRunningCampaigns, markLeadsQueued,
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
 * Tops up the hoppers of running campaigns, in one transaction whose statements do not grow with
 * their number: re-checks the campaigns are running (FOR SHARE, in id order, so a concurrent stop
 * waits for this and then ends what was queued here), takes their due pending leads with FOR UPDATE
 * SKIP LOCKED in one statement per round (several feeders never take the same lead), queues those
 * whose calling window is open now (campaign schedule ∩ the callee's rule pack, in every candidate
 * zone), and moves the others to their next window opening; each kind of write once. A pass that
 * refills many campaigns (a fleet whose calls end one by one, each freeing a slot of another
 * campaign) costs a few round trips, not a transaction per campaign. `now` is the dialer's clock.
 * Results by campaign id (every campaign given has one).
 */
export async function feedCampaigns(
  ds: DataSource, campaigns: ReadonlyArray<RunningCampaign & { queued: number }>, size: HopperSize, now = clock.now(),
): Promise<Map<string, FeedResult>> {
  const results = new Map<string, FeedResult>(campaigns.map((c) => [c.id, { jobs: [], firstPosition: c.queued + 1, deferred: 0, ended: 0 }]));
  const need = new Map<string, number>();
  for (const c of campaigns) {
    const n = hopperTarget(c.max_concurrent_calls, size) - c.queued;
    if (n > 0) need.set(c.id, n);
  }
  if (!need.size) return results;

  await ds.transaction(async (m) => {
    const running = new Map((await lockRunningCampaigns(m, [...need.keys()])).map((c) => [c.id, c]));
    for (const id of need.keys()) if (!running.has(id)) need.delete(id);
    for (let round = 0; round < MAX_ROUNDS && need.size > 0; round++) {
      const asked = new Map(need);
      const leads = await lockDueLeadsOf(m, [...asked].map(([campaignId, limit]) => ({ campaignId, limit })), now);
      const byCampaign = new Map<string, DueLead[]>();
      for (const l of leads) {
        const mine = byCampaign.get(l.campaign_id);
        if (mine) mine.push(l);
        else byCampaign.set(l.campaign_id, [l]);
      }
      const all: SortedLeads = { queued: [], later: [], noWindow: [], exhausted: [] };
      for (const [id, limit] of asked) {
        const c = running.get(id)!;
        const mine = byCampaign.get(id) ?? [];
        const sorted = sortLeads(c, mine, now);
        const r = results.get(id)!;
        for (const l of sorted.queued) r.jobs.push({ tenantId: c.tenant_id, campaignId: c.id, leadId: l.id, attemptNo: l.attempts + 1 });
        r.deferred += sorted.later.length;
        r.ended += sorted.noWindow.length + sorted.exhausted.length;
        all.queued.push(...sorted.queued);
        all.later.push(...sorted.later);
        all.noWindow.push(...sorted.noWindow);
        all.exhausted.push(...sorted.exhausted);
        const left = limit - sorted.queued.length;
        // Another round only for a campaign that got all it asked for and still needs some: nothing more is due otherwise.
        if (left > 0 && mine.length === limit) need.set(id, left);
        else need.delete(id);
      }
      await writeSortedLeads(m, all);
    }
  });
  return results;
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
