import type { Queue } from 'bullmq';
import { endAttempt, leaseRecoveryFromPostgres, type EndAttemptDeps } from '@dialer/calls';
import {
  adoptProviderCall, attemptStates, findProviderConnection, findStaleAttempts, findUndialledAttempts, knownProviderCallIds,
  type DataSource, type StaleAttempt, type UndialledAttempt,
} from '@dialer/db';
import { isTerminalCallStatus } from '@dialer/domain';
import { maskPhones, PeriodicTask, type Logger } from '@dialer/platform';
import { adapterFromSealed, ConnectionSecretsError, ProviderError, type CallSnapshot, type ProviderAdapter } from '@dialer/providers';
import { createQueue, leaseMember, scanKeys, type ConcurrencyLease, type LeaseRecovery, type Redis } from '@dialer/queue';

export interface ReconcilerOptions {
  ds: DataSource;
  /** Producer connection (shared; not closed here). */
  redis: Redis;
  prefix: string;
  lease: ConcurrencyLease;
  secretsKey: string;
  logger: Logger;
  intervalMs: number;
  graceMs: number;
  orphanSlotMs: number;
  leaseTtlMs: number;
  /** A dialled, unanswered attempt is looked up at the provider once dialled longer ago than this. */
  staleRingingMs: number;
  /** A dialled, answered attempt is looked up at the provider once answered longer ago than this. */
  staleAnsweredMs: number;
  /** A stale attempt the provider says is still live is not asked about again for this long. */
  recheckMs: number;
  /** Stale attempts looked up per run, all connections together. */
  batchSize: number;
  /** Stale attempts looked up per provider connection per run (default 20). */
  lookupsPerConnection?: number;
  /** Timeout of each provider request (each lookup tries up to three times on 5xx and network errors). */
  providerTimeoutMs?: number;
  now?: () => number;
}

export interface ReconcileReport {
  leasesRebuilt: boolean;
  /** Undialled attempts whose call was found at the provider. */
  adopted: number;
  /** Undialled attempts closed: the provider has no such call. */
  closed: number;
  /** Stale dialled attempts the provider says ended: its outcome applied, the slot freed. */
  staleEnded: number;
  /** Stale dialled attempts still live at the provider: slot extended, asked again after recheckMs. */
  staleExtended: number;
  /** Stale dialled attempts the provider does not know (404): closed as provider_error. */
  staleNotFound: number;
  /** Stale dialled attempts the provider could not answer about (5xx, timeout, refusal): left for the next run. */
  staleUnresolved: number;
  slotsFreed: number;
}

/**
 * The scheduler-tick reconciler. Each run:
 * 1. rebuilds the concurrency leases from Postgres if Redis lost them (the marker key is gone);
 * 2. resolves attempts committed but never marked dialled (a worker died between the commit and the
 *    provider's answer) by asking the provider: a call found is adopted (its webhooks, which carry
 *    the attempt id, settle it; a call found ended is applied); none found after the grace period
 *    (and, for a provider that lists only ended calls, once no call of the attempt can still be live),
 *    the attempt is closed as failed/provider_error and its slot freed; several unknown calls found,
 *    none is adopted and nothing closed (any may be another attempt's). Never a second call;
 * 3. looks up dialled attempts without news (not ended; unanswered past the ring timeout plus a
 *    margin, or answered with no news for RECONCILE_STALE_ANSWERED_MS) with the adapter's fetchCall,
 *    whatever the provider type, at most RECONCILE_LOOKUPS_PER_CONNECTION per connection per run:
 *    a call that ended is applied as its terminal webhook would be (so calls that ended while
 *    webhook-ingest was down are settled minutes, not hours, later); one still live keeps its slot
 *    (extended) and is asked about again after RECONCILE_RECHECK_MS, not every run; one the provider
 *    does not know (404) is closed as provider_error. A provider that fails (5xx, timeout) is left
 *    alone until the next run;
 * 4. frees slots whose attempt has ended (a lost release) or never came to exist (a worker died
 *    between the slot and the commit; freed once seen missing for RECONCILE_ORPHAN_SLOT_MS).
 */
export class Reconciler {
  private readonly task: PeriodicTask;
  private readonly recovery: LeaseRecovery;
  private readonly callFinished: Queue;
  // Per-process state: it exists once because only the scheduler leader runs a reconciler
  // (leadership.ts). A failover loses it, which costs at most one repeated lookup per live call and
  // a missing-attempt slot freed up to orphanSlotMs later: never a wrong decision.
  /** What endAttempt needs: the attempts this reconciler ends go the way every ended attempt goes. */
  private readonly ends: EndAttemptDeps;
  /** Slots seen without an attempt row, and since when (this process's clock). */
  private readonly missingSince = new Map<string, number>();
  /**
   * Stale attempts found still live at the provider, and undialled ones left waiting (no call listed
   * yet by a provider that lists only ended calls, or several candidates), and when to ask again
   * (this process's clock).
   */
  private readonly recheckAt = new Map<string, number>();

  constructor(private readonly o: ReconcilerOptions) {
    this.task = new PeriodicTask('reconciler', o.intervalMs, () => this.runOnce(), o.logger);
    this.callFinished = createQueue('callFinished', o.redis, o.prefix);
    this.ends = { ds: o.ds, lease: o.lease, callFinishedQueue: this.callFinished, logger: o.logger };
    this.recovery = leaseRecoveryFromPostgres(o.ds, o.lease, o.leaseTtlMs, o.logger);
  }

  start(): void {
    this.task.start();
  }

  async stop(): Promise<void> {
    await this.task.stop();
    await this.callFinished.close();
  }

  async runOnce(): Promise<ReconcileReport> {
    const report: ReconcileReport = {
      leasesRebuilt: false, adopted: 0, closed: 0, staleEnded: 0, staleExtended: 0, staleNotFound: 0, staleUnresolved: 0, slotsFreed: 0,
    };
    report.leasesRebuilt = await this.recovery.ensure();
    const now = this.o.now?.() ?? Date.now();
    for (const [id, at] of this.recheckAt) if (at <= now) this.recheckAt.delete(id);
    for (const a of await findUndialledAttempts(this.o.ds, new Date(now - this.o.graceMs))) {
      // Left waiting by an earlier run (no call listed yet, or several): asked again after recheckMs.
      if (this.recheckAt.has(a.id)) continue;
      try {
        const r = await this.resolveUndialled(a, now);
        if (r === 'adopted') report.adopted++;
        if (r === 'closed') report.closed++;
      } catch (err) {
        this.o.logger.warn({ err, callAttemptId: a.id }, 'could not reconcile an undialled attempt; next run tries again');
      }
    }
    await this.resolveStale(now, report);
    report.slotsFreed = await this.freeLeakedSlots(now);
    if (report.adopted || report.closed || report.staleEnded || report.staleNotFound || report.slotsFreed) {
      this.o.logger.info(report, 'reconciler repaired attempts and slots');
    }
    return report;
  }

  private async resolveUndialled(a: UndialledAttempt, now: number): Promise<'adopted' | 'closed' | 'none'> {
    const adapter = a.providerConnectionId ? await this.adapterFor(a.tenantId, a.providerConnectionId) : undefined;
    // The connection exists but its credentials cannot be opened: the call may exist, so wait.
    if (adapter === null) return 'none';
    if (adapter?.findCallsTo) {
      const calls = await adapter.findCallsTo(a.phoneE164, a.createdAt);
      const known = await knownProviderCallIds(this.o.ds, a.tenantId, calls.map((c) => c.providerCallId));
      const unknown = calls.filter((c) => !known.has(c.providerCallId));
      if (unknown.length > 1) {
        // Several calls no attempt of ours holds: any of them may be another attempt's (or placed by
        // someone else on this account). Adopt none, close nothing: ask again next run.
        this.o.logger.warn({ callAttemptId: a.id, candidates: unknown.length }, 'undialled attempt matches several calls at the provider: left as it is');
        this.recheckAt.set(a.id, now + this.o.recheckMs);
        return 'none';
      }
      const found = unknown[0];
      if (found) {
        if (await adoptProviderCall(this.o.ds, a, found.providerCallId)) await this.applyIfEnded(a, found);
        this.o.logger.info({ callAttemptId: a.id, providerCallId: found.providerCallId }, 'undialled attempt found at the provider: adopted');
        return 'adopted';
      }
      // A provider that lists calls only once they ended (Exotel): a call may still be live. Closing now
      // would free its slot and let the lead be called a second time; wait until no call can be live.
      if (now - a.createdAt.getTime() < (adapter.listMissesLiveCallsForMs ?? 0)) {
        this.recheckAt.set(a.id, now + this.o.recheckMs);
        return 'none';
      }
    }
    // Not at the provider (or a provider that cannot list calls by number): the call never happened.
    // Close the attempt so its lead moves on (retry or final per the campaign's policy) and free its slot.
    const result = await endAttempt(this.ends, a.id, {
      status: 'failed', rawStatus: 'reconciler', outcome: 'provider_error',
      error: 'the worker stopped before the provider answered, and the provider has no such call',
    });
    if (!result.applied || !result.terminal) return 'none';
    this.o.logger.warn({ callAttemptId: a.id }, 'undialled attempt not found at the provider: closed as provider_error');
    return 'closed';
  }

  private async applyIfEnded(a: UndialledAttempt, call: CallSnapshot): Promise<void> {
    if (!isTerminalCallStatus(call.status)) return;
    await endAttempt(this.ends, a.id, {
      status: call.status, rawStatus: call.rawStatus, outcome: call.outcome,
      answeredBy: call.answeredBy, durationSeconds: call.durationSeconds, providerCallId: call.providerCallId,
    });
  }

  /** Looks up one bounded batch of stale dialled attempts at their providers. */
  private async resolveStale(now: number, report: ReconcileReport): Promise<void> {
    const stale = await findStaleAttempts(this.o.ds, {
      ringingBefore: new Date(now - this.o.staleRingingMs), answeredBefore: new Date(now - this.o.staleAnsweredMs),
    }, [...this.recheckAt.keys()], { total: this.o.batchSize, perConnection: this.o.lookupsPerConnection ?? 20 });
    // Per run: one adapter per connection; a connection that failed is not asked again until the next run.
    const adapters = new Map<string, ProviderAdapter | null | undefined>();
    const failing = new Set<string>();
    for (const a of stale) {
      if (failing.has(a.providerConnectionId)) {
        report.staleUnresolved++;
        continue;
      }
      try {
        if (!adapters.has(a.providerConnectionId)) adapters.set(a.providerConnectionId, await this.adapterFor(a.tenantId, a.providerConnectionId));
        const adapter = adapters.get(a.providerConnectionId);
        if (!adapter) {
          // No usable connection: nothing to ask; try again after the recheck period.
          this.recheckAt.set(a.id, now + this.o.recheckMs);
          report.staleUnresolved++;
          continue;
        }
        const r = await this.resolveStaleAttempt(a, adapter, now);
        if (r === 'ended') report.staleEnded++;
        else if (r === 'extended') report.staleExtended++;
        else if (r === 'not_found') report.staleNotFound++;
        else if (r === 'unresolved') {
          report.staleUnresolved++;
          failing.add(a.providerConnectionId);
        }
      } catch (err) {
        report.staleUnresolved++;
        this.o.logger.warn({ err, callAttemptId: a.id }, 'could not reconcile a stale attempt; next run tries again');
      }
    }
  }

  /**
   * The adapter of a connection (built as every service builds it, `adapterFromSealed`); undefined
   * when the connection is gone, null (logged) when its credentials cannot be opened. The connection
   * is loaded deleted or not: calls placed before a connection was deleted still run at the
   * provider and must be settled with its credentials.
   */
  private async adapterFor(tenantId: string, providerConnectionId: string): Promise<ProviderAdapter | null | undefined> {
    const conn = await findProviderConnection(this.o.ds, providerConnectionId, { tenantId, includeDeleted: true });
    if (!conn) {
      this.o.logger.warn({ providerConnectionId }, 'attempts of a provider connection that does not exist: cannot look them up');
      return undefined;
    }
    try {
      return adapterFromSealed(conn, this.o.secretsKey, { requestTimeoutMs: this.o.providerTimeoutMs ?? 5_000 });
    } catch (err) {
      if (!(err instanceof ConnectionSecretsError)) throw err;
      this.o.logger.error({ providerConnectionId: conn.id }, 'the credentials of a provider connection cannot be decrypted with SECRETS_KEY: its attempts are not looked up');
      return null;
    }
  }

  private async resolveStaleAttempt(a: StaleAttempt, adapter: ProviderAdapter, now: number): Promise<'ended' | 'extended' | 'not_found' | 'unresolved' | 'none'> {
    let call: CallSnapshot;
    try {
      call = await adapter.fetchCall(a.providerCallId);
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      if (err.kind === 'rejected' && err.httpStatus === 404) return this.closeNotFound(a);
      this.o.logger.warn({
        callAttemptId: a.id, providerConnectionId: a.providerConnectionId, kind: err.kind, httpStatus: err.httpStatus ?? null,
        error: maskPhones(err.message),
      }, 'the provider could not tell the state of a stale call; next run asks again');
      return 'unresolved';
    }

    if (!isTerminalCallStatus(call.status)) {
      // Still live at the provider (a long call, or one the provider keeps queued): it keeps its slot.
      const held = await this.o.lease.extend(a.campaignId, leaseMember(a.leadId, a.attemptNo), Math.max(this.o.leaseTtlMs, 2 * this.o.recheckMs));
      this.recheckAt.set(a.id, now + this.o.recheckMs);
      this.o.logger.info({ callAttemptId: a.id, providerCallId: a.providerCallId, rawStatus: call.rawStatus, slotWasHeld: held },
        'stale call still live at the provider: slot extended');
      return 'extended';
    }

    // Ended, and its terminal webhook never applied: apply it as webhook-ingest would have.
    const result = await endAttempt(this.ends, a.id, {
      status: call.status, rawStatus: call.rawStatus, outcome: call.outcome, answeredBy: call.answeredBy,
      durationSeconds: call.durationSeconds, providerCallId: call.providerCallId,
    });
    if (!result.applied || !result.terminal) return 'none';
    this.o.logger.warn({ callAttemptId: a.id, providerCallId: a.providerCallId, status: call.status, outcome: call.outcome },
      'stale call had ended at the provider without its webhook: outcome applied');
    return 'ended';
  }

  private async closeNotFound(a: StaleAttempt): Promise<'not_found' | 'none'> {
    const result = await endAttempt(this.ends, a.id, {
      status: 'failed', rawStatus: 'reconciler', outcome: 'provider_error',
      error: `the provider has no call ${a.providerCallId} (404 when the reconciler looked it up)`,
    });
    if (!result.applied || !result.terminal) return 'none';
    this.o.logger.warn({ callAttemptId: a.id, providerCallId: a.providerCallId }, 'stale call unknown to the provider: closed as provider_error');
    return 'not_found';
  }

  private async freeLeakedSlots(now: number): Promise<number> {
    const { redis, lease } = this.o;
    const keyPrefix = lease.key('');
    const held: Array<{ campaignId: string; member: string; leadId: string; attemptNo: number; key?: string; entry?: string }> = [];
    for (const key of await scanKeys(redis, keyPrefix)) {
      if (key === lease.markerKey()) continue;
      const campaignId = key.slice(keyPrefix.length);
      for (const member of await lease.members(campaignId)) {
        const [leadId, n] = member.split('#');
        if (leadId && n && /^[0-9a-f-]{36}$/i.test(leadId)) held.push({ campaignId, member, leadId, attemptNo: Number(n) });
      }
    }
    // The tenant and account levels hold `<group>|<member>`: an entry whose call ended (or never had
    // an attempt) is freed there too, even when its campaign-level slot is gone already.
    for (const levelPrefix of [lease.tenantKey(''), lease.accountKey('')]) {
      for (const key of await scanKeys(redis, levelPrefix)) {
        for (const entry of await redis.zrange(key, 0, -1)) {
          const member = entry.slice(entry.indexOf('|') + 1);
          const [leadId, n] = member.split('#');
          if (leadId && n && /^[0-9a-f-]{36}$/i.test(leadId)) held.push({ campaignId: '', member, leadId, attemptNo: Number(n), key, entry });
        }
      }
    }

    const states = await attemptStates(this.o.ds, held);
    let freed = 0;
    const stillMissing = new Set<string>();
    for (const h of held) {
      const state = states.get(h.member);
      let free = false;
      if (state?.ended) free = true;
      else if (!state) {
        stillMissing.add(h.member);
        const since = this.missingSince.get(h.member) ?? now;
        this.missingSince.set(h.member, since);
        free = now - since >= this.o.orphanSlotMs;
      }
      if (!free) continue;
      // A slot counts once, at its campaign; entries left at the tenant or account level alone are freed uncounted.
      if (h.key) await lease.releaseFrom(h.key, h.entry!);
      else if (await lease.release(h.campaignId, h.member)) freed++;
    }
    for (const m of [...this.missingSince.keys()]) if (!stillMissing.has(m)) this.missingSince.delete(m);
    return freed;
  }
}
