import type { DataSource, EntityManager } from 'typeorm';
import type { CallingWindow, CampaignStatus, LeadNext, LeadStatus, RetryPolicy } from '@dialer/domain';
import { mutate, preparedQuery, queryRows, type PreparedQuery } from '../sql';

/**
 * The leads statements. First those of a settlement, run by `applyCallUpdate` (packages/calls) in the same
 * transaction as the attempt's: the lead locked and read with its campaign's rules, then written
 * as `settleLead` (packages/domain) decided. Prepared statements: they run once per ended call.
 */

/** The lead and campaign rows a settlement reads (the lead locked). */
export interface SettlementLead {
  id: string;
  campaign_id: string;
  status: LeadStatus;
  attempts: number;
  timezones: string[];
  phone_e164: string;
  /** A scheduled callback is pending for the lead (read in the same round trip as the lock). */
  callback_pending: boolean;
}
export interface SettlementCampaign {
  id: string;
  max_attempts: number;
  retry_policy: RetryPolicy | null;
  calling_window: CallingWindow | null;
  default_timezone: string;
  status: CampaignStatus;
  /** What outbound events may carry of a call (recording, analysis). */
  compliance_mode: 'standard' | 'hipaa' | 'pci';
}

const LOCK_LEAD: PreparedQuery = {
  name: 'apply-lock-lead-callback',
  text: `SELECT id, campaign_id, status, attempts, timezones, phone_e164,
                EXISTS (SELECT 1 FROM callbacks c WHERE c.lead_id = leads.id AND c.status = 'pending') AS callback_pending
           FROM leads WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE OF leads`,
};
const CAMPAIGN_RULES: PreparedQuery = {
  name: 'apply-campaign-rules',
  text: `SELECT id, max_attempts, retry_policy, calling_window, default_timezone, status, compliance_mode FROM campaigns WHERE id = ANY($1::uuid[])`,
};
const LEADS_SETTLED: PreparedQuery = {
  name: 'apply-leads-settled',
  text: `UPDATE leads l SET status = s.status, disposition = s.disposition,
             next_attempt_at = CASE WHEN s.status = 'pending' THEN s.at ELSE l.next_attempt_at END, updated_at = now()
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS s(id, status, disposition, at)
          WHERE l.id = s.id`,
};

/**
 * The leads (locked, in id order) and their campaigns' rules, read to settle the leads after their
 * attempts ended: two statements for any number of attempts.
 */
export async function lockSettlementRows(
  m: EntityManager, attempts: ReadonlyArray<{ lead_id: string; campaign_id: string }>,
): Promise<{ leads: Map<string, SettlementLead>; campaigns: Map<string, SettlementCampaign> }> {
  if (attempts.length === 0) return { leads: new Map(), campaigns: new Map() };
  const leadIds = [...new Set(attempts.map((a) => a.lead_id))];
  const campaignIds = [...new Set(attempts.map((a) => a.campaign_id))];
  const leads = (await preparedQuery<SettlementLead>(m, LOCK_LEAD, [leadIds])).rows;
  const campaigns = (await preparedQuery<SettlementCampaign>(m, CAMPAIGN_RULES, [campaignIds])).rows;
  return { leads: new Map(leads.map((l) => [l.id, l])), campaigns: new Map(campaigns.map((c) => [c.id, c])) };
}

/** Writes what settleLead decided for several leads in one statement (writeLeadSettlement for each). */
export async function writeLeadSettlements(
  m: EntityManager, settled: ReadonlyArray<{ leadId: string; next: Exclude<LeadNext, { kind: 'unchanged' }> }>,
): Promise<void> {
  if (settled.length === 0) return;
  await preparedQuery(m, LEADS_SETTLED, [settled.map((s) => s.leadId), settled.map((s) => (s.next.kind === 'final' ? 'done' : 'pending')),
    settled.map((s) => s.next.disposition), settled.map((s) => (s.next.kind === 'final' ? null : s.next.at.toISOString()))]);
}


/*
 * The feeder's statements: due leads taken FOR UPDATE SKIP LOCKED (several feeders never take the
 * same lead), then written as the feeder sorted them (queued now, moved to their next window, ended).
 */

/** A due lead as the feeder sorts it. */
export interface DueLead {
  id: string;
  attempts: number;
  timezones: string[];
  phone_e164: string;
}

/**
 * lockDueLeads for several campaigns in one statement: up to `limit` due pending leads of each (the
 * soonest due first), locked FOR UPDATE SKIP LOCKED.
 */
export async function lockDueLeadsOf(
  m: EntityManager, wants: ReadonlyArray<{ campaignId: string; limit: number }>, now: Date,
): Promise<Array<DueLead & { campaign_id: string }>> {
  if (!wants.length) return [];
  return queryRows<DueLead & { campaign_id: string }>(m,
    `SELECT w.campaign_id, l.id, l.attempts, l.timezones, l.phone_e164
       FROM unnest($1::uuid[], $2::int[]) AS w(campaign_id, lim)
       CROSS JOIN LATERAL (
         SELECT id, attempts, timezones, phone_e164 FROM leads
          WHERE campaign_id = w.campaign_id AND status = 'pending' AND next_attempt_at <= $3
          ORDER BY next_attempt_at LIMIT w.lim FOR UPDATE SKIP LOCKED) l`,
    [wants.map((w) => w.campaignId), wants.map((w) => w.limit), now]);
}

/** Up to `limit` pending leads due at `now`, oldest first, locked FOR UPDATE SKIP LOCKED in the caller's transaction. */
export async function lockDueLeads(m: EntityManager, campaignId: string, limit: number, now: Date): Promise<DueLead[]> {
  const rows = await lockDueLeadsOf(m, [{ campaignId, limit }], now);
  return rows.map(({ campaign_id: _, ...l }) => l);
}

/** Marks leads queued: their dial jobs are added once the transaction commits. */
export async function markLeadsQueued(m: EntityManager, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await mutate(m, `UPDATE leads SET status = 'queued', updated_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
}

/** Moves leads to the next opening of their calling window. */
export async function deferLeads(m: EntityManager, later: Array<{ id: string; at: Date }>): Promise<void> {
  if (!later.length) return;
  await mutate(m,
    `UPDATE leads AS l SET next_attempt_at = v.at, updated_at = now()
       FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at) WHERE l.id = v.id`,
    [later.map((l) => l.id), later.map((l) => l.at.toISOString())]);
}

/** Ends leads (done) with one disposition. */
export async function endLeads(m: EntityManager, ids: string[], disposition: string): Promise<void> {
  if (!ids.length) return;
  await mutate(m, `UPDATE leads SET status = 'done', disposition = $2, updated_at = now() WHERE id = ANY($1::uuid[])`, [ids, disposition]);
}

/** Ends every lead of the campaign not yet dialled (pending or queued) with disposition 'stopped'; returns how many. */
export async function stopOpenLeads(m: EntityManager, tenantId: string, campaignId: string): Promise<number> {
  const { count } = await mutate(m,
    `UPDATE leads SET status = 'done', disposition = 'stopped', updated_at = now()
      WHERE campaign_id = $1 AND tenant_id = $2 AND status IN ('pending', 'queued')`,
    [campaignId, tenantId]);
  return count;
}

/** A lead queued in a running campaign for longer than the feeder's orphan period. */
export interface OrphanedLead {
  id: string;
  tenant_id: string;
  campaign_id: string;
  attempts: number;
}

/** Leads of running campaigns queued (last changed) more than `olderThanMs` ago, at most `limit`. */
export async function findOrphanedQueuedLeads(ds: DataSource, olderThanMs: number, limit: number): Promise<OrphanedLead[]> {
  return queryRows<OrphanedLead>(ds,
    `SELECT l.id, l.tenant_id, l.campaign_id, l.attempts
       FROM campaigns c JOIN leads l ON l.campaign_id = c.id AND l.status = 'queued'
      WHERE c.status = 'running' AND c.deleted_at IS NULL
        AND l.updated_at < now() - make_interval(secs => $1::double precision)
      LIMIT $2`, [olderThanMs / 1000, limit]);
}
