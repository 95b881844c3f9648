import type { DataSource, EntityManager } from '@dialer/db';
import { isCallableAt, leadZones, nextCallableAt, rulesForCallee, type CallingWindow } from '@dialer/domain';
import { clock } from '@dialer/platform';
import type { DialJob } from '@dialer/queue';

/** What the feeder needs to know of a running campaign. */
export interface RunningCampaign {
  id: string;
  tenant_id: string;
  max_concurrent_calls: number;
  max_attempts: number;
  default_timezone: string;
  calling_window: CallingWindow;
}

export const RUNNING_CAMPAIGN_COLUMNS =
  'id, tenant_id, max_concurrent_calls, max_attempts, default_timezone, calling_window';

export interface HopperSize {
  hopperMin: number;
  hopperFactor: number;
}

export interface FeedResult {
  /** Dial jobs to add, after the transaction that queued their leads committed. */
  jobs: DialJob[];
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
export async function feedCampaign(ds: DataSource, campaign: RunningCampaign, size: HopperSize, now = clock.now()): Promise<FeedResult> {
  const target = hopperTarget(campaign.max_concurrent_calls, size);
  const have: Array<{ n: string }> = await ds.query(
    `SELECT count(*) AS n FROM leads WHERE campaign_id = $1 AND status = 'queued'`, [campaign.id]);
  let need = target - Number(have[0]?.n ?? 0);
  if (need <= 0) return { jobs: [], deferred: 0, ended: 0 };

  return ds.transaction(async (m) => {
    const current: RunningCampaign[] = await m.query(
      `SELECT ${RUNNING_CAMPAIGN_COLUMNS} FROM campaigns
        WHERE id = $1 AND status = 'running' AND deleted_at IS NULL FOR SHARE`, [campaign.id]);
    const c = current[0];
    const result: FeedResult = { jobs: [], deferred: 0, ended: 0 };
    if (!c) return result;
    for (let round = 0; round < MAX_ROUNDS && need > 0; round++) {
      const asked = need;
      const leads: FeedLead[] = await m.query(
        `SELECT id, attempts, timezones, phone_e164 FROM leads
          WHERE campaign_id = $1 AND status = 'pending' AND next_attempt_at <= $3
          ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED`, [c.id, asked, now]);
      if (leads.length === 0) break;
      const sorted = await sortLeads(m, c, leads, now);
      for (const l of sorted.queued) result.jobs.push({ tenantId: c.tenant_id, campaignId: c.id, leadId: l.id, attemptNo: l.attempts + 1 });
      result.deferred += sorted.deferred;
      result.ended += sorted.ended;
      need -= sorted.queued.length;
      if (leads.length < asked) break; // nothing more is due now
    }
    return result;
  });
}

interface FeedLead {
  id: string;
  attempts: number;
  timezones: string[];
  phone_e164: string;
}

async function sortLeads(
  m: EntityManager, c: RunningCampaign, leads: FeedLead[], now: Date,
): Promise<{ queued: Array<{ id: string; attempts: number }>; deferred: number; ended: number }> {
  const queued: Array<{ id: string; attempts: number }> = [];
  const later: Array<{ id: string; at: Date }> = [];
  const noWindow: string[] = [];
  const exhausted: string[] = [];
  for (const l of leads) {
    if (l.attempts >= c.max_attempts) {
      exhausted.push(l.id);
      continue;
    }
    const zones = leadZones(l.timezones, c.default_timezone);
    const rules = rulesForCallee(c.calling_window ?? {}, l.phone_e164);
    if (isCallableAt(rules, zones, now)) {
      queued.push(l);
      continue;
    }
    const next = nextCallableAt(rules, zones, now, 366);
    if (next) later.push({ id: l.id, at: next });
    else noWindow.push(l.id);
  }
  if (queued.length) {
    await m.query(`UPDATE leads SET status = 'queued', updated_at = now() WHERE id = ANY($1::uuid[])`, [queued.map((l) => l.id)]);
  }
  if (later.length) {
    await m.query(
      `UPDATE leads AS l SET next_attempt_at = v.at, updated_at = now()
         FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at) WHERE l.id = v.id`,
      [later.map((l) => l.id), later.map((l) => l.at.toISOString())]);
  }
  for (const [ids, disposition] of [[noWindow, 'no_window'], [exhausted, 'exhausted']] as const) {
    if (!ids.length) continue;
    await m.query(`UPDATE leads SET status = 'done', disposition = $2, updated_at = now() WHERE id = ANY($1::uuid[])`, [ids, disposition]);
  }
  return { queued, deferred: later.length, ended: noWindow.length + exhausted.length };
}
