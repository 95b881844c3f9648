import { performance } from 'node:perf_hooks';
import type { Queue } from 'bullmq';
import { endAttempt } from '@dialer/calls';
import type { DataSource } from '@dialer/db';
import { awaitsAttempt, consentRefusal, dueFrom, effectiveNumberCap, leadZones, rulesForCallee, windowAtDial } from '@dialer/domain';
import { clock, maskPhones, type Logger } from '@dialer/platform';
import { ProviderError, variableText, type PlaceCallRequest } from '@dialer/providers';
import { leaseMember, type ConcurrencyLease, type LeaseRecovery, type SlotTake } from '@dialer/queue';
import type { CampaignSettings } from './campaign-settings';
import type { DialBatches } from './dial-batches';
import type { DialResult } from './dialer.metrics';
import type { PreDialClient } from './pre-dial';
import {
  beginAttempt, findAttempt, finishLeadUndialled, recordAttemptError,
  returnLeadToPending, undoAttempt, type DialCampaign, type DialLead, type LeadRef,
} from './dial.repository';
import { ProviderSetupError, type ProviderAdapters, type ResolvedProvider } from './provider-adapters';

export interface PlaceCallSettings {
  leaseTtlMs: number;
  /** Public base URL of webhook-ingest. */
  webhookPublicUrl: string;
  /** How long a lead waits before it is fed again when its campaign's provider cannot be used. */
  setupRetryDelayMs: number;
  /** How long a lead waits when the provider kept refusing for capacity until the job ran out of tries. */
  capacityRetryDelayMs: number;
  /**
   * A job that finds the window closed but opening within this long is delayed to the exact
   * opening; beyond it the lead goes back to pending, due at the opening, and frees its hopper place.
   */
  windowDelayMaxMs: number;
  /** How long a lead waits when its campaign's pre-dial hook gave no usable answer and the campaign skips the call. */
  preDialErrorRetryMs?: number;
}

export interface PlaceCallDeps {
  ds: DataSource;
  lease: Pick<ConcurrencyLease, 'takeSlot' | 'release' | 'releaseMany'>;
  /** Rebuilds the leases from Postgres when Redis lost them (shared by the jobs of this replica). */
  leaseRecovery: Pick<LeaseRecovery, 'ensure'>;
  campaigns: Pick<CampaignSettings, 'get' | 'forget'>;
  providers: Pick<ProviderAdapters, 'get'>;
  /** Asks campaigns' pre-dial hooks (absent: a campaign with a hook gets its onError choice). */
  preDial?: Pick<PreDialClient, 'check'>;
  /** The call-finished queue: metrics-aggregator folds an attempt this worker ended (job id = attempt id). */
  callFinishedQueue: Pick<Queue, 'add' | 'addBulk'>;
  /** The per-dial statements, batched across this replica's dials. */
  batches: DialBatches;
  observeProviderSeconds(seconds: number): void;
  logger: Logger;
  settings: PlaceCallSettings;
  now?: () => Date;
}

export type PlaceCallOutcome =
  | { result: Exclude<DialResult, 'window_wait'>; attemptId?: string }
  /** Every concurrency slot of the campaign is taken: try again shortly. */
  | { result: 'lease_wait' }
  /** The window opens soon: run this job again at `until` (the dialer's clock). */
  | { result: 'window_wait'; until: Date };

/**
 * The provider did not take the call and the attempt was undone: the job should be retried later
 * (with the queue's backoff). Its message carries no phone number.
 */
export class RetryDialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryDialError';
  }
}

/**
 * Dials one lead's attempt, re-checking everything at the last moment: lead still queued for this
 * attempt, campaign running, calling window open now in the callee's zones, number not on DNC, the
 * consent the campaign requires, the campaign's pre-dial hook (if any), a free concurrency slot. The attempt row is committed before the provider is called, and a lead is
 * never called twice for one attempt number.
 */
export async function placeCall(
  deps: PlaceCallDeps,
  ref: LeadRef,
  opts: { finalTry: boolean } = { finalTry: false },
): Promise<PlaceCallOutcome> {
  const { ds, logger } = deps;
  const [campaign, lead] = await Promise.all([deps.campaigns.get(ref.tenantId, ref.campaignId), deps.batches.findLead(ref)]);

  // A job for an attempt that is no longer due: redelivered, duplicated or overtaken.
  if (!lead || !awaitsAttempt(lead, ref.attemptNo)) {
    const attempt = await findAttempt(ds, ref);
    logger.debug({ leadStatus: lead?.status ?? null, leadAttempts: lead?.attempts ?? null, attemptExists: attempt !== null },
      'dial job is stale: nothing to do');
    return { result: 'skipped_stale' };
  }

  if (!campaign || campaign.deleted || campaign.status !== 'running') {
    await returnLeadToPending(ds, ref);
    return { result: 'skipped_not_running' };
  }

  const now = deps.now?.() ?? clock.now();
  const zones = leadZones(lead.timezones, campaign.defaultTimezone);
  const rules = rulesForCallee(campaign.callingWindow, lead.phoneE164);
  const notNow = windowAtDial(rules, zones, now, deps.settings.windowDelayMaxMs);
  if (notNow?.kind === 'wait') return { result: 'window_wait', until: notNow.until };
  if (notNow) {
    await putOff(ds, ref, notNow);
    return { result: 'skipped_window' };
  }

  if (lead.dnc) {
    await finishLeadUndialled(ds, ref, 'dnc');
    return { result: 'skipped_dnc' };
  }

  // Consent, like DNC, is read at dial time: a revoke after the lead was queued stops this call.
  const noConsent = consentRefusal(lead.consent, campaign.consentRequired);
  if (noConsent) {
    await finishLeadUndialled(ds, ref, 'no_consent', noConsent);
    return { result: 'skipped_consent' };
  }

  let provider: ResolvedProvider;
  try {
    if (!campaign.providerConnectionId) throw new ProviderSetupError('the campaign has no provider connection');
    provider = await deps.providers.get(ref.tenantId, campaign.providerConnectionId);
  } catch (err) {
    if (!(err instanceof ProviderSetupError)) throw err;
    logger.error({ reason: err.message }, 'cannot dial: the campaign\'s provider is not usable; the lead goes back to pending');
    await returnLeadToPending(ds, ref, new Date(now.getTime() + deps.settings.setupRetryDelayMs));
    return { result: 'skipped_no_provider' };
  }

  // The pre-dial hook runs before the slot and the attempt row: a slow hook holds no slot, and a
  // refusal has nothing to undo. The attempt row stays the one guard against calling twice.
  if (campaign.preDial) {
    const gate = await askPreDial(deps, ref, campaign, lead, now);
    if (gate) return gate;
    // The hook took time: the window is checked again at the moment of the call.
    const closed = windowAtDial(rules, zones, deps.now?.() ?? clock.now(), deps.settings.windowDelayMaxMs);
    if (closed?.kind === 'wait') {
      await returnLeadToPending(ds, ref, closed.until);
      return { result: 'skipped_window' };
    }
    if (closed) {
      await putOff(ds, ref, closed);
      return { result: 'skipped_window' };
    }
  }

  // A slot at the campaign, the tenant and the provider account, all at once (a wait at any is a delay).
  const slot = slotClaim(ref, campaign, provider.connectionId);
  if ((await takeSlot(deps, slot)).result !== 'held') return { result: 'lease_wait' };

  let begun: Awaited<ReturnType<typeof beginAttempt>>;
  try {
    const cap = effectiveNumberCap(campaign.maxCallsPerNumber24h, rules.pack?.maxCallsPer24h);
    const via = { type: provider.type, connectionId: provider.connectionId };
    begun = cap === null
      ? await deps.batches.beginAttempt({ ref, provider: via, now, consentId: lead.consent?.id ?? null })
      : await beginAttempt(ds, ref, via, { phoneE164: lead.phoneE164, cap, now }, lead.consent?.id ?? null);
  } catch (err) {
    // Nothing was written (the transaction failed), so nothing holds this slot.
    await releaseLease(deps, ref);
    throw err;
  }

  if (begun.kind === 'duplicate') {
    // Another delivery owns this attempt. Its live call holds the same lease member: keep it,
    // unless that call has already ended and released it (then this acquire re-took it).
    if (!begun.attempt || begun.attempt.ended) await releaseLease(deps, ref);
    logger.info({ callAttemptId: begun.attempt?.id ?? null }, 'the call attempt exists already: not calling again');
    return { result: 'skipped_stale' };
  }
  if (begun.kind === 'capped') {
    // The number had its share of calls in the last 24 hours: due again when one leaves the window.
    await releaseLease(deps, ref);
    await putOff(ds, ref, dueFrom(rules, zones, begun.releaseAt));
    return { result: 'skipped_cap' };
  }
  if (begun.kind === 'stale') {
    await releaseLease(deps, ref);
    if (!begun.campaignRunning) {
      deps.campaigns.forget(ref.tenantId, ref.campaignId);
      await returnLeadToPending(ds, ref);
      return { result: 'skipped_not_running' };
    }
    return { result: 'skipped_stale' };
  }

  // The slot again, now that the attempt is committed: if Redis lost the leases between the first
  // take and the commit, the slot may have been granted from an emptied set. A rebuild from Postgres
  // (which sees this committed attempt) or a fresh take under the limit confirms it; otherwise the
  // attempt is taken back, nothing was called, and the job waits for a slot.
  if ((await takeSlot(deps, slot)).result !== 'held') {
    const undone = await undoAttempt(ds, ref, begun.attemptId, null);
    logger.warn({ callAttemptId: begun.attemptId, undone }, 'the concurrency slot was lost before the call; not calling');
    return undone ? { result: 'lease_wait' } : { result: 'skipped_stale' };
  }

  return callProvider(deps, ref, lead, provider, begun.attemptId, opts.finalTry);
}

/** Default wait of a lead whose campaign's pre-dial hook gave no usable answer (onError: skip). */
const PRE_DIAL_ERROR_RETRY_MS = 5 * 60_000;
/** The soonest a lead refused with a retryAt is due again. */
const PRE_DIAL_MIN_RETRY_MS = 60_000;

/**
 * Asks the campaign's pre-dial hook about this call. Eligible: the lead is read again (the hook may
 * have taken up to its timeout; a DNC entry, a consent revoke or a stale job since then still stop
 * the call), and null is returned to go on. Refused with retryAt: pending again at that time, no
 * attempt spent. Refused without: done `predial_refused`, the reason kept. No usable answer: the
 * campaign's onError — `call` goes on, `skip` (the default) puts the lead back to pending a while.
 */
async function askPreDial(
  deps: PlaceCallDeps, ref: LeadRef, campaign: DialCampaign, lead: DialLead, now: Date,
): Promise<PlaceCallOutcome | null> {
  const { ds, logger } = deps;
  const hook = campaign.preDial!;
  const verdict = deps.preDial
    ? await deps.preDial.check(hook, hook.secretSealed, {
      tenantId: ref.tenantId, campaignId: ref.campaignId, leadId: ref.leadId, attemptNo: ref.attemptNo, phone: lead.phoneE164,
      firstName: lead.firstName, lastName: lead.lastName, email: lead.email, custom: lead.custom,
    })
    : { kind: 'error' as const, reason: 'no pre-dial client in this worker' };
  if (verdict.kind === 'refused') {
    logger.info({ campaignId: ref.campaignId, leadId: ref.leadId, retry: verdict.retryAt !== null }, 'the pre-dial hook refused the call');
    if (verdict.retryAt) {
      // A retryAt in the past (or a moment away) would have the hook asked again at once, over and over.
      await returnLeadToPending(ds, ref, new Date(Math.max(verdict.retryAt.getTime(), now.getTime() + PRE_DIAL_MIN_RETRY_MS)));
      return { result: 'predial_retry' };
    }
    await finishLeadUndialled(ds, ref, 'predial_refused', verdict.reason);
    return { result: 'predial_refused' };
  }
  if (verdict.kind === 'error') {
    logger.warn({ campaignId: ref.campaignId, leadId: ref.leadId, reason: verdict.reason, onError: hook.onError }, 'the pre-dial hook gave no usable answer');
    if (hook.onError !== 'call') {
      await returnLeadToPending(ds, ref, new Date(now.getTime() + (deps.settings.preDialErrorRetryMs ?? PRE_DIAL_ERROR_RETRY_MS)));
      return { result: 'predial_error' };
    }
  }
  const fresh = await deps.batches.findLead(ref);
  if (!fresh || !awaitsAttempt(fresh, ref.attemptNo)) return { result: 'skipped_stale' };
  if (fresh.dnc) {
    await finishLeadUndialled(ds, ref, 'dnc');
    return { result: 'skipped_dnc' };
  }
  const noConsent = consentRefusal(fresh.consent, campaign.consentRequired);
  if (noConsent) {
    await finishLeadUndialled(ds, ref, 'no_consent', noConsent);
    return { result: 'skipped_consent' };
  }
  lead.consent = fresh.consent;
  return null;
}

/** A lead that may not be called now: back to pending at its due time, or done without a call. */
async function putOff(ds: DataSource, ref: LeadRef, next: ReturnType<typeof dueFrom>): Promise<void> {
  if (next.kind === 'pending') await returnLeadToPending(ds, ref, next.at);
  else await finishLeadUndialled(ds, ref, next.disposition);
}

type SlotClaim = Parameters<ConcurrencyLease['takeSlot']>[0];

/** The levels the attempt needs a slot at: its campaign, its tenant, its provider account. */
function slotClaim(ref: LeadRef, campaign: DialCampaign, connectionId: string): SlotClaim {
  const b = campaign.budget;
  return {
    campaignId: ref.campaignId, tenantId: ref.tenantId, accountGroup: b.accountGroup ?? connectionId,
    member: leaseMember(ref.leadId, ref.attemptNo),
    campaignLimit: campaign.maxConcurrentCalls, tenantLimit: b.tenantLimit, accountLimit: b.accountLimit,
    campaignWeight: b.campaignWeight, tenantWeight: b.tenantWeight,
  };
}

/** Takes (or confirms) the attempt's slot at every level; when Redis lost the leases, rebuilds them first. */
async function takeSlot(deps: PlaceCallDeps, claim: SlotClaim): Promise<SlotTake> {
  const first = await deps.lease.takeSlot(claim, deps.settings.leaseTtlMs);
  if (first.result !== 'lost') return first;
  await deps.leaseRecovery.ensure();
  return deps.lease.takeSlot(claim, deps.settings.leaseTtlMs);
}

async function callProvider(
  deps: PlaceCallDeps, ref: LeadRef, lead: DialLead, provider: ResolvedProvider, attemptId: string, finalTry: boolean,
): Promise<PlaceCallOutcome> {
  const { logger } = deps;
  const base = deps.settings.webhookPublicUrl.replace(/\/+$/, '');
  const started = performance.now();
  let providerCallId: string;
  try {
    const request: PlaceCallRequest = await provider.buildRequest({
      tenantId: ref.tenantId, campaignId: ref.campaignId, callAttemptId: attemptId, to: lead.phoneE164,
      variables: leadVariables(lead), webhookBaseUrl: base, ...(lead.callbackAgent ? { agent: lead.callbackAgent } : {}),
    });
    providerCallId = (await provider.adapter.placeCall(request)).providerCallId;
  } catch (err) {
    deps.observeProviderSeconds((performance.now() - started) / 1000);
    return onProviderFailure(deps, ref, attemptId, err, finalTry);
  }
  deps.observeProviderSeconds((performance.now() - started) / 1000);

  try {
    await deps.batches.markDialed({ attemptId, providerCallId, ref });
  } catch (err) {
    // The call is placed; its webhooks find the attempt by id and fill in the provider call id.
    logger.error({ err, callAttemptId: attemptId, providerCallId }, 'call placed but the attempt could not be marked dialled');
  }
  return { result: 'placed', attemptId };
}

async function onProviderFailure(
  deps: PlaceCallDeps, ref: LeadRef, attemptId: string, err: unknown, finalTry: boolean,
): Promise<PlaceCallOutcome> {
  const { ds, logger } = deps;
  const kind = err instanceof ProviderError ? err.kind : 'ambiguous';
  const message = maskPhones(err instanceof Error ? err.message : String(err));
  const httpStatus = err instanceof ProviderError ? err.httpStatus ?? null : null;

  if (kind === 'capacity' || kind === 'transient') {
    // The provider did not take the call: undo it without spending the lead's attempt.
    const pendingAt = finalTry ? new Date(clock.nowMs() + deps.settings.capacityRetryDelayMs) : null;
    const undone = await undoAttempt(ds, ref, attemptId, pendingAt);
    if (undone) {
      await releaseLease(deps, ref);
      logger.warn({ kind, httpStatus, error: message, callAttemptId: attemptId, finalTry },
        finalTry ? 'provider did not take the call; lead back to pending' : 'provider did not take the call; will retry');
      if (finalTry) return { result: 'requeued' };
      throw new RetryDialError(`provider did not take the call (${kind}): ${message}`);
    }
    // A webhook reached the attempt meanwhile: the provider knows this call. Leave it to them.
    logger.warn({ kind, httpStatus, error: message, callAttemptId: attemptId }, 'provider error, but the attempt has moved on: keeping it');
    return { result: 'ambiguous' };
  }

  if (kind === 'rejected') {
    await endAttempt(deps, attemptId, { status: 'failed', rawStatus: 'rejected', outcome: 'failed', error: message });
    logger.warn({ httpStatus, error: message, callAttemptId: attemptId }, 'provider refused the call');
    return { result: 'rejected', attemptId };
  }

  // Ambiguous: the call may exist at the provider. Never call again for this attempt; the slot stays
  // held until a webhook, the reconciler or the lease expiry settles it.
  await recordAttemptError(ds, attemptId, `ambiguous: ${message}`);
  logger.warn({ httpStatus, error: message, callAttemptId: attemptId }, 'provider outcome unknown: left for reconciliation');
  return { result: 'ambiguous', attemptId };
}

async function releaseLease(deps: PlaceCallDeps, ref: LeadRef): Promise<void> {
  try {
    await deps.lease.release(ref.campaignId, leaseMember(ref.leadId, ref.attemptNo));
  } catch (err) {
    // The slot expires on its own (LEASE_TTL_MS); say so loudly, as the campaign runs narrower until then.
    deps.logger.error({ err }, 'could not release the concurrency lease');
  }
}

/** Personalization variables: the lead's names, email and custom columns, typed ones as text (never its phone). */
function leadVariables(lead: DialLead): Record<string, string> {
  const vars: Record<string, string> = {};
  // Typed values of a lead schema as text: a tags list joined ("investor, nri"), numbers written out.
  for (const [k, v] of Object.entries(lead.custom)) {
    if (v !== null && v !== undefined && (typeof v !== 'object' || Array.isArray(v))) vars[k] = variableText(v);
  }
  if (lead.firstName) vars.firstName = lead.firstName;
  if (lead.lastName) vars.lastName = lead.lastName;
  if (lead.email) vars.email = lead.email;
  return vars;
}
