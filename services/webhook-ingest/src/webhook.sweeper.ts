import { finishEndedAttempts } from '@dialer/calls';
import { listUnfoldedEndedAttempts } from '@dialer/db';
import { PeriodicTask } from '@dialer/platform';
import { IgnoredWebhook, ProviderError } from '@dialer/providers';
import { applyStoredEvent, type ApplyDeps } from './apply-call-event';
import type { ConnectionCache } from './connection-cache';
import { listUnappliedEvents, markEventFailed, type UnappliedEvent } from './webhook-events.repository';
import { eventTime } from './webhooks.routes';
import type { WebhookMetrics } from './webhook.metrics';

export interface SweeperDeps extends ApplyDeps {
  connections: ConnectionCache;
  metrics: WebhookMetrics;
  intervalMs: number;
  /** Unmatched events older than this are given up (apply_error), so they leave the sweep. */
  giveUpMs: number;
  /** Events waiting in the in-process apply queue: while any wait, young unapplied events are theirs. */
  backlog?: () => number;
}

export const SWEEP_BATCH = 200;
/** Events this young are still being applied by the request that stored them. */
export const SWEEP_GRACE_MS = 1_000;
/** Ended attempts still unfolded after this long get their post-steps again. */
export const REPAIR_AFTER_MS = 5_000;
const REPAIR_BATCH = 500;
const PARALLEL_CALLS = 4;

export interface SweepReport {
  applied: number;
  pending: number;
  failed: number;
  repaired: number;
}

/**
 * Applies stored events that are not applied yet (a webhook that raced ahead of its attempt, or an
 * apply that failed after the event was stored), and repeats the terminal post-steps (lease release,
 * fold job) for attempts that ended but were never folded — the repair for a crash between the
 * database commit and those steps. Runs every `intervalMs`, one sweep at a time.
 */
export class WebhookSweeper {
  private readonly loop: PeriodicTask;

  constructor(private readonly deps: SweeperDeps) {
    this.loop = new PeriodicTask('webhook sweep', deps.intervalMs, () => this.sweepOnce(), deps.logger);
  }

  private get stopped(): boolean {
    return this.loop.isStopped;
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  async sweepOnce(): Promise<SweepReport> {
    const report: SweepReport = { applied: 0, pending: 0, failed: 0, repaired: 0 };
    await this.applyUnapplied(report);
    report.repaired = await this.repairEndedAttempts();
    if (report.applied || report.failed || report.repaired) {
      this.deps.logger.info(report, 'webhook sweep');
    }
    return report;
  }

  private async applyUnapplied(report: SweepReport): Promise<void> {
    // The background queue still works through a burst: leave the events it holds to it.
    if ((this.deps.backlog?.() ?? 0) > 0) return;
    const events = await listUnappliedEvents(this.deps.ds, SWEEP_BATCH, SWEEP_GRACE_MS);
    if (events.length === 0) return;
    // Per call, strictly in arrival order (forward-only then holds as it would have live);
    // different calls in parallel.
    const byCall = new Map<string, UnappliedEvent[]>();
    for (const e of events) {
      const k = e.provider_call_id ?? e.call_attempt_id ?? `event:${e.id}`;
      const list = byCall.get(k);
      if (list) list.push(e);
      else byCall.set(k, [e]);
    }
    const groups = [...byCall.values()];
    const worker = async (): Promise<void> => {
      for (let g = groups.shift(); g; g = groups.shift()) {
        for (const e of g) {
          if (this.stopped) return;
          const r = await this.applyOne(e);
          report[r] += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_CALLS }, worker));
  }

  private async applyOne(e: UnappliedEvent): Promise<'applied' | 'pending' | 'failed'> {
    const { deps } = this;
    const conn = e.provider_connection_id ? await deps.connections.get(e.provider_connection_id) : null;
    if (!conn || !e.tenant_id || conn.tenantId !== e.tenant_id) {
      await markEventFailed(deps.ds, e.id, 'the provider connection of this event no longer exists');
      return 'failed';
    }
    let event;
    try {
      event = conn.adapter.parseWebhook({ url: '', headers: {}, body: e.payload });
    } catch (err) {
      if (!(err instanceof ProviderError) && !(err instanceof IgnoredWebhook)) throw err;
      await markEventFailed(deps.ds, e.id, err.message);
      return 'failed';
    }
    const outcome = await applyStoredEvent(deps, {
      eventId: e.id,
      tenantId: e.tenant_id,
      providerConnectionId: conn.id,
      callAttemptId: e.call_attempt_id ?? event.callAttemptId ?? null,
      event: { ...event, occurredAt: eventTime(event.occurredAt, new Date(e.received_at)) },
    });
    if (outcome === 'applied') deps.metrics.sweptApplied.inc({ source: 'event' });
    deps.metrics.applied.inc({ result: outcome });
    if (outcome === 'pending' && Date.now() - new Date(e.received_at).getTime() > deps.giveUpMs) {
      await markEventFailed(deps.ds, e.id, 'no call attempt matches this event');
      return 'failed';
    }
    return outcome;
  }

  private async repairEndedAttempts(): Promise<number> {
    const attempts = await listUnfoldedEndedAttempts(this.deps.ds, REPAIR_AFTER_MS, REPAIR_BATCH);
    if (this.stopped) return 0;
    // Both steps are idempotent: the slots released and the fold jobs added for the whole batch at once.
    await finishEndedAttempts(this.deps, attempts);
    if (attempts.length) this.deps.metrics.sweptApplied.inc({ source: 'ended_attempt' }, attempts.length);
    return attempts.length;
  }
}
