import {
  accountBudgetSql, bumpCampaignStats, closeCallbacksOfEndedLeads, dncHit, mutate, preparedQuery, wantedOutboundEvents, writeOutboundEvents, type DataSource, type EntityManager, type PreDialHook,
  type PreparedQuery,
} from '@dialer/db';
import { clock } from '@dialer/platform';
import { callStartedEvent, numberCapReleaseAt, type CallingWindow, type CampaignStatus, type ConsentType, type LeadStatus } from '@dialer/domain';

/**
 * The SQL of one dial. Every statement filters by tenant, and every lead change is guarded by the
 * state it expects (status and attempts), so a stale or duplicate job changes nothing.
 */

export interface DialCampaign {
  id: string;
  tenantId: string;
  status: CampaignStatus;
  deleted: boolean;
  providerConnectionId: string | null;
  defaultTimezone: string;
  maxConcurrentCalls: number;
  callingWindow: CallingWindow;
  /** The campaign's own cap on calls to one number per rolling 24 hours (null: off). */
  maxCallsPerNumber24h: number | null;
  /** The weakest consent a lead must hold to be dialled (null: none required). */
  consentRequired: ConsentType | null;
  /** The pre-dial eligibility hook and its sealed signing secret (null: none). */
  preDial: (PreDialHook & { secretSealed: string | null }) | null;
  /** The budgets above the campaign's own: its weight in the tenant, the tenant's and the account's limits. */
  budget: CampaignBudget;
}

export interface CampaignBudget {
  campaignWeight: number;
  tenantLimit: number | null;
  tenantWeight: number;
  /** The lease group of the provider account: the connection's id, its tenant's account key, or the shared account (null: no connection). */
  accountGroup: string | null;
  /** The account's concurrency less its reserved slots (null: no limit). */
  accountLimit: number | null;
}

export interface DialLead {
  id: string;
  phoneE164: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  timezones: string[];
  custom: Record<string, unknown>;
  status: LeadStatus;
  attempts: number;
  /** On the tenant's or the campaign's do-not-call list when read. */
  dnc: boolean;
  /** The lead's current consent record when read (null: none). */
  consent: { id: string; type: ConsentType; revoked: boolean } | null;
  /** The agent or flow its pending callback must go through (null: the campaign's). */
  callbackAgent: string | null;
}

/** The lead a dial job names, in the state the job expects. */
export interface LeadRef {
  tenantId: string;
  campaignId: string;
  leadId: string;
  /** The attempt number the job dials; the lead holds attemptNo - 1 attempts until dialled. */
  attemptNo: number;
}

/** The campaign's provider account budget: its connection's own, its tenant's account key's, or the operator's shared account's. */
const ACCOUNT = accountBudgetSql('pc', 'sa');

/** The dialling settings of campaigns (with their tenant's and account's budgets), in one statement; in the order asked (null: no such campaign of that tenant). */
export async function findCampaigns(
  ds: DataSource, refs: ReadonlyArray<{ tenantId: string; campaignId: string }>,
): Promise<Array<DialCampaign | null>> {
  if (!refs.length) return [];
  const rows: Array<{
    id: string; tenant_id: string; status: CampaignStatus; deleted_at: Date | null; provider_connection_id: string | null;
    default_timezone: string; max_concurrent_calls: number; calling_window: CallingWindow | null; max_calls_per_number_24h: number | null;
    consent_required: ConsentType | null; pre_dial: PreDialHook | null; pre_dial_secret: string | null;
    weight: number; tenant_limit: number | null; tenant_weight: number; account_group: string | null; account_limit: number | null;
  }> = await ds.query(
    `SELECT c.id, c.tenant_id, c.status, c.deleted_at, c.provider_connection_id, c.default_timezone, c.max_concurrent_calls,
            c.calling_window, c.max_calls_per_number_24h, c.consent_required, c.pre_dial, c.pre_dial_secret, c.weight,
            t.max_concurrent_calls AS tenant_limit, t.weight AS tenant_weight,
            ${ACCOUNT.group} AS account_group, ${ACCOUNT.limit} AS account_limit
       FROM campaigns c
       JOIN tenants t ON t.id = c.tenant_id
       LEFT JOIN provider_connections pc ON pc.id = c.provider_connection_id AND pc.tenant_id = c.tenant_id
       ${ACCOUNT.join}
      WHERE (c.id, c.tenant_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))`,
    [refs.map((r) => r.campaignId), refs.map((r) => r.tenantId)]);
  const byKey = new Map(rows.map((r) => [`${r.tenant_id}:${r.id}`, r]));
  return refs.map(({ tenantId, campaignId }): DialCampaign | null => {
    const r = byKey.get(`${tenantId}:${campaignId}`);
    if (!r) return null;
    return {
      id: r.id,
      tenantId: r.tenant_id,
      status: r.status,
      deleted: r.deleted_at !== null,
      providerConnectionId: r.provider_connection_id,
      defaultTimezone: r.default_timezone,
      maxConcurrentCalls: r.max_concurrent_calls,
      callingWindow: r.calling_window ?? {},
      maxCallsPerNumber24h: r.max_calls_per_number_24h,
      consentRequired: r.consent_required === 'none' ? null : r.consent_required,
      preDial: r.pre_dial ? { ...r.pre_dial, secretSealed: r.pre_dial_secret } : null,
      budget: {
        campaignWeight: r.weight, tenantLimit: r.tenant_limit, tenantWeight: r.tenant_weight,
        accountGroup: r.account_group, accountLimit: r.account_limit,
      },
    };
  });
}

/**
 * What the campaign puts into each placeCall request: its call texts (settings), rendered per lead,
 * its agent or flow and caller id in place of the connection's, and its ring timeout.
 */
export interface CampaignTemplates {
  script?: string;
  firstMessage?: string;
  agent?: string;
  callerId?: string;
  ringTimeoutSeconds?: number;
}

/**
 * The campaign's `settings.scriptTemplate` and `settings.firstMessageTemplate`, its agent and caller id
 * overrides (empty ones absent) and its ring timeout.
 */
export async function findCampaignTemplates(ds: DataSource, tenantId: string, campaignId: string): Promise<CampaignTemplates> {
  const rows: Array<{ script: unknown; first: unknown; agent: string | null; caller_id: string | null; ring: number | null }> = await ds.query(
    `SELECT settings ->> 'scriptTemplate' AS script, settings ->> 'firstMessageTemplate' AS first,
            agent_override AS agent, caller_id_override AS caller_id, ring_timeout_seconds AS ring
       FROM campaigns WHERE id = $1 AND tenant_id = $2`, [campaignId, tenantId]);
  const r = rows[0];
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    script: text(r?.script),
    firstMessage: text(r?.first),
    agent: text(r?.agent),
    callerId: text(r?.caller_id),
    ringTimeoutSeconds: r?.ring ?? undefined,
  };
}

const FIND_LEADS: PreparedQuery = {
  name: 'dial-find-leads',
  text: `SELECT l.id, l.phone_e164, l.first_name, l.last_name, l.email, l.timezones, l.custom, l.status, l.attempts,
                ${dncHit({ tenant: 'l.tenant_id', phone: 'l.phone_e164', campaign: 'l.campaign_id' })} AS dnc,
                k.id AS consent_id, k.type AS consent_type, k.revoked_at IS NOT NULL AS consent_revoked,
                (SELECT cb.agent_override FROM callbacks cb
                  WHERE cb.lead_id = l.id AND cb.tenant_id = l.tenant_id AND cb.status = 'pending') AS callback_agent
           FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS v(id, tenant_id, campaign_id)
           JOIN leads l ON l.id = v.id AND l.tenant_id = v.tenant_id AND l.campaign_id = v.campaign_id
           LEFT JOIN lead_consents k ON k.lead_id = l.id AND k.tenant_id = l.tenant_id AND k.superseded_at IS NULL`,
};

/**
 * The leads dial jobs name, each with whether its number is on the tenant's do-not-call list
 * (globally or for this campaign), its current consent record and its pending callback's agent, in one round trip; null for a lead that is not there (or not of
 * that tenant and campaign). Results in the order of `refs`.
 */
export async function findLeads(ds: DataSource, refs: LeadRef[]): Promise<Array<DialLead | null>> {
  const { rows } = await preparedQuery<{
    id: string; phone_e164: string; first_name: string | null; last_name: string | null; email: string | null;
    timezones: string[] | null; custom: Record<string, unknown> | null; status: LeadStatus; attempts: number; dnc: boolean;
    consent_id: string | null; consent_type: ConsentType | null; consent_revoked: boolean | null; callback_agent: string | null;
  }>(ds, FIND_LEADS, [refs.map((r) => r.leadId), refs.map((r) => r.tenantId), refs.map((r) => r.campaignId)]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return refs.map((ref) => {
    const r = byId.get(ref.leadId);
    if (!r) return null;
    return {
      id: r.id,
      phoneE164: r.phone_e164,
      firstName: r.first_name,
      lastName: r.last_name,
      email: r.email,
      timezones: r.timezones ?? [],
      custom: r.custom ?? {},
      status: r.status,
      attempts: r.attempts,
      dnc: r.dnc,
      consent: r.consent_id ? { id: r.consent_id, type: r.consent_type!, revoked: r.consent_revoked === true } : null,
      callbackAgent: r.callback_agent,
    };
  });
}

export interface ExistingAttempt {
  id: string;
  ended: boolean;
}

export async function findAttempt(ds: DataSource | EntityManager, ref: LeadRef): Promise<ExistingAttempt | null> {
  const rows: Array<{ id: string; ended_at: Date | null }> = await ds.query(
    `SELECT id, ended_at FROM call_attempts WHERE lead_id = $1 AND attempt_no = $2 AND tenant_id = $3`,
    [ref.leadId, ref.attemptNo, ref.tenantId]);
  const r = rows[0];
  return r ? { id: r.id, ended: r.ended_at !== null } : null;
}

/** Queued → pending (the job is dropped); `nextAttemptAt` null keeps the lead's due time. */
export async function returnLeadToPending(ds: DataSource, ref: LeadRef, nextAttemptAt: Date | null = null): Promise<boolean> {
  const { count } = await mutate(ds,
    `UPDATE leads SET status = 'pending', next_attempt_at = COALESCE($4, next_attempt_at), updated_at = now()
      WHERE id = $1 AND tenant_id = $2 AND status = 'queued' AND attempts = $3`, [ref.leadId, ref.tenantId, ref.attemptNo - 1, nextAttemptAt]);
  return count > 0;
}

/** Why a queued lead ends without a call: DNC, no window ever, no (or too weak, or revoked) consent, refused by the pre-dial hook. */
export type UndialledDisposition = 'dnc' | 'no_window' | 'no_consent' | 'predial_refused';

/**
 * Queued → done with a disposition (and its reason in words, when there is one); a DNC suppression is
 * counted in the campaign's stats in the same transaction, and a pending callback that made the lead
 * due is closed (`cancelled`): the lead will not be called.
 */
export async function finishLeadUndialled(ds: DataSource, ref: LeadRef, disposition: UndialledDisposition, reason: string | null = null): Promise<boolean> {
  return ds.transaction(async (m) => {
    const { count } = await mutate(m,
      `UPDATE leads SET status = 'done', disposition = $4, disposition_reason = $5, updated_at = now()
        WHERE id = $1 AND tenant_id = $2 AND status = 'queued' AND attempts = $3`,
      [ref.leadId, ref.tenantId, ref.attemptNo - 1, disposition, reason === null ? null : reason.slice(0, 500)]);
    if (count === 0) return false;
    if (disposition === 'dnc') await bumpCampaignStats(m, ref.tenantId, ref.campaignId, { dncSuppressed: 1 });
    await closeCallbacksOfEndedLeads(m, ref.tenantId, { leadId: ref.leadId });
    return true;
  });
}

export type BeginResult =
  | { kind: 'created'; attemptId: string }
  /** A row for this (lead, attempt number) exists: another delivery of this job owns it. */
  | { kind: 'duplicate'; attempt: ExistingAttempt | null }
  /** The lead left `queued` (or the campaign stopped running) since the checks: nothing written. */
  | { kind: 'stale'; campaignRunning: boolean }
  /** The number reached its cap of calls per rolling 24 hours: nothing written; allowed again at releaseAt. */
  | { kind: 'capped'; releaseAt: Date };

export interface NumberCapCheck {
  phoneE164: string;
  /** Calls allowed to this number per rolling 24 hours across the tenant's campaigns (null: no cap). */
  cap: number | null;
  /** The dialer's clock: the attempt's created_at, and the end of the 24-hour window. */
  now: Date;
}

/**
 * Committed before the provider is called: the call attempt row (unique per lead and attempt number,
 * the guard against calling twice) and the lead to `dialing` with the attempt spent, written by one
 * statement that also re-reads the campaign's status past any cache. One round trip on the hot path;
 * with a per-number cap, the statement runs in a transaction behind the number's advisory lock.
 */
export async function beginAttempt(
  ds: DataSource, ref: LeadRef, provider: { type: string; connectionId: string },
  check: NumberCapCheck = { phoneE164: '', cap: null, now: clock.now() }, consentId: string | null = null,
): Promise<BeginResult> {
  const cap = check.cap;
  try {
    const write = async (q: DataSource | EntityManager) => (await beginAttempts(q, [{ ref, provider, now: check.now, consentId }]))[0]!;
    if (cap === null) return await write(ds);
    return await ds.transaction(async (m): Promise<BeginResult> => {
      // One dial per number at a time per tenant while counting, so two campaigns cannot both take the last call.
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`${ref.tenantId}:${check.phoneE164}`]);
      const recent = await recentCallsTo(m, ref.tenantId, check.phoneE164, check.now);
      const releaseAt = numberCapReleaseAt(recent, cap, check.now);
      if (releaseAt) return { kind: 'capped', releaseAt };
      return write(m);
    });
  } catch (err) {
    // A row for this (lead, attempt number) that did not come through the lead's update: not ours.
    if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
    return { kind: 'duplicate', attempt: await findAttempt(ds, ref) };
  }
}

const UNIQUE_VIOLATION = '23505';

export interface AttemptToBegin {
  ref: LeadRef;
  provider: { type: string; connectionId: string };
  now: Date;
  /** The consent record the call relies on (call_attempts.consent_id), if the lead has one. */
  consentId?: string | null;
}

/**
 * For each item, the lead moves from `queued` with attemptNo - 1 attempts to `dialing` with
 * attemptNo, only while its campaign is running, and the attempt row is inserted from that update:
 * both or neither. A row for (lead, attempt number) written by anyone else makes its insert fail
 * (unique violation), which undoes the whole statement, the lead updates with it: leads and attempts
 * never disagree. Leads are locked in id order and found by their primary key alone (a campaign_id
 * condition would let the planner pick the campaign's `leads_open` index on a table not analysed
 * yet, e.g. just after an import, and scan every open lead).
 */
const BEGIN_ATTEMPTS: PreparedQuery = {
  name: 'dial-begin-attempts',
  text: `WITH v AS (
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::uuid[], $7::timestamptz[], $8::uuid[])
             AS v(tenant_id, campaign_id, lead_id, attempt_no, provider, provider_connection_id, created_at, consent_id)
         ), running AS (
           SELECT c.id, c.tenant_id FROM campaigns c
            WHERE c.id IN (SELECT campaign_id FROM v) AND c.status = 'running' AND c.deleted_at IS NULL
         ), locked AS MATERIALIZED (
           SELECT l.id FROM leads l JOIN v ON v.lead_id = l.id
            WHERE l.tenant_id = v.tenant_id AND l.status = 'queued' AND l.attempts = v.attempt_no - 1
              AND EXISTS (SELECT 1 FROM running r WHERE r.id = v.campaign_id AND r.tenant_id = v.tenant_id)
            ORDER BY l.id FOR UPDATE OF l
         ), lead AS (
           UPDATE leads l SET status = 'dialing', attempts = v.attempt_no, last_attempt_at = now(), updated_at = now()
             FROM v WHERE l.id = v.lead_id AND l.id IN (SELECT id FROM locked)
              AND l.status = 'queued' AND l.attempts = v.attempt_no - 1
           RETURNING l.id
         ), attempt AS (
           INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, provider_connection_id, status, created_at, consent_id)
           SELECT v.tenant_id, v.campaign_id, v.lead_id, v.attempt_no, v.provider, v.provider_connection_id, 'created', v.created_at, v.consent_id
             FROM v JOIN lead ON lead.id = v.lead_id
           RETURNING id, lead_id
         )
         SELECT v.lead_id, a.id AS attempt_id,
                EXISTS (SELECT 1 FROM running r WHERE r.id = v.campaign_id AND r.tenant_id = v.tenant_id) AS running
           FROM v LEFT JOIN attempt a ON a.lead_id = v.lead_id`,
};

/**
 * Begins the attempts of several distinct leads in one statement (BEGIN_ATTEMPTS): a dial's result
 * for each, in the order of `items`, as beginAttempt answers it. Throws a unique violation when any
 * attempt row already existed (nothing written); the caller then writes them one at a time.
 */
export async function beginAttempts(q: DataSource | EntityManager, items: AttemptToBegin[]): Promise<BeginResult[]> {
  const { rows } = await preparedQuery<{ lead_id: string; attempt_id: string | null; running: boolean }>(q, BEGIN_ATTEMPTS, [
    items.map((i) => i.ref.tenantId), items.map((i) => i.ref.campaignId), items.map((i) => i.ref.leadId),
    items.map((i) => i.ref.attemptNo), items.map((i) => i.provider.type), items.map((i) => i.provider.connectionId),
    items.map((i) => i.now), items.map((i) => i.consentId ?? null),
  ]);
  const byLead = new Map(rows.map((r) => [r.lead_id, r]));
  return Promise.all(items.map(async (i): Promise<BeginResult> => {
    const r = byLead.get(i.ref.leadId);
    if (r?.attempt_id) return { kind: 'created', attemptId: r.attempt_id };
    // Nothing written: another delivery owns this attempt, the lead moved on, or the campaign stopped.
    const existing = await findAttempt(q, i.ref);
    if (existing) return { kind: 'duplicate', attempt: existing };
    return { kind: 'stale', campaignRunning: r?.running === true };
  }));
}

/** Start times of the calls to a number in the 24 hours before `now`, across the tenant's campaigns. */
export async function recentCallsTo(m: DataSource | EntityManager, tenantId: string, phoneE164: string, now: Date): Promise<Date[]> {
  const rows: Array<{ created_at: Date }> = await m.query(
    `SELECT a.created_at FROM leads l JOIN call_attempts a ON a.lead_id = l.id
      WHERE l.tenant_id = $1 AND l.phone_e164 = $2 AND a.tenant_id = $1
        AND a.created_at > $3::timestamptz - interval '24 hours' AND a.created_at <= $3::timestamptz`,
    [tenantId, phoneE164, now]);
  return rows.map((r) => new Date(r.created_at));
}

export interface DialedMark {
  attemptId: string;
  providerCallId: string;
  /** The attempt's identity, for the call.started webhook. */
  ref?: LeadRef;
}

/**
 * The provider accepted these calls. A webhook may have advanced a status already: never move it
 * back. Rows are locked in id order, as webhook-ingest locks them, so the two never deadlock.
 */
const MARK_DIALED: PreparedQuery = {
  name: 'dial-mark-dialed',
  text: `WITH v AS (SELECT * FROM unnest($1::uuid[], $2::text[]) AS v(id, provider_call_id)),
              locked AS MATERIALIZED (SELECT a.id FROM call_attempts a JOIN v ON v.id = a.id ORDER BY a.id FOR UPDATE OF a)
         UPDATE call_attempts a SET provider_call_id = v.provider_call_id, dialed_at = now(),
                status = CASE WHEN a.status = 'created' THEN 'queued' ELSE a.status END
           FROM v WHERE a.id = v.id AND a.id IN (SELECT id FROM locked)`,
};

export async function markDialedMany(ds: DataSource, marks: DialedMark[]): Promise<void> {
  if (!marks.length) return;
  const params = [marks.map((m) => m.attemptId), marks.map((m) => m.providerCallId)];
  // call.started for the calls some endpoint listens to (the answer is cached: nobody listening costs no statement).
  const now = new Date();
  const events = await wantedOutboundEvents(ds, marks.flatMap((m) => (m.ref ? [callStartedEvent({
    tenantId: m.ref.tenantId, campaignId: m.ref.campaignId, leadId: m.ref.leadId, attemptNo: m.ref.attemptNo, callAttemptId: m.attemptId,
    providerCallId: m.providerCallId, at: now,
  })] : [])));
  if (events.length === 0) {
    await preparedQuery(ds, MARK_DIALED, params);
    return;
  }
  await ds.transaction(async (m) => {
    await preparedQuery(m, MARK_DIALED, params);
    await writeOutboundEvents(m, events);
  });
}

/**
 * The provider did not accept the call: takes the attempt back as if it never happened (the row,
 * the spent attempt, the counter). The lead goes back to `queued` for the job's retry, or to
 * `pending` at `pendingAt` when the job will not be retried. False when the attempt had moved on
 * (a webhook reached it): then nothing is undone.
 */
export async function undoAttempt(ds: DataSource, ref: LeadRef, attemptId: string, pendingAt: Date | null): Promise<boolean> {
  return ds.transaction(async (m) => {
    const deleted = await mutate(m,
      `DELETE FROM call_attempts
        WHERE id = $1 AND tenant_id = $2 AND status = 'created' AND provider_call_id IS NULL`, [attemptId, ref.tenantId]);
    if (deleted.count === 0) return false;
    await m.query(
      `UPDATE leads SET status = $5, attempts = $4,
          next_attempt_at = COALESCE($6, next_attempt_at), updated_at = now()
        WHERE id = $1 AND tenant_id = $2 AND status = 'dialing' AND attempts = $3`,
      [ref.leadId, ref.tenantId, ref.attemptNo, ref.attemptNo - 1, pendingAt ? 'pending' : 'queued', pendingAt]);
    return true;
  });
}

/** Notes why an attempt's outcome is unknown, for the reconciler; the status stays as it is. */
export async function recordAttemptError(ds: DataSource, attemptId: string, error: string): Promise<void> {
  await ds.query(`UPDATE call_attempts SET error = $2 WHERE id = $1`, [attemptId, error.slice(0, 1000)]);
}
