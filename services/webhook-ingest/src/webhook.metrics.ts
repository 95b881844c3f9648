import { Counter, Histogram, type Registry } from 'prom-client';

/** What became of a received webhook at the HTTP edge. */
export type WebhookResult = 'stored' | 'duplicate' | 'unmapped' | 'ignored' | 'rejected' | 'invalid';

export interface WebhookMetrics {
  received: Counter<'provider' | 'result'>;
  rejected: Counter<'reason'>;
  handleSeconds: Histogram<'provider'>;
  sweptApplied: Counter<'source'>;
  /** What applying a stored event did (in the background or by the sweeper). */
  applied: Counter<'result'>;
}

export function createWebhookMetrics(registry: Registry): WebhookMetrics {
  return {
    received: new Counter({
      name: 'webhook_received_total',
      help: 'Provider webhooks received, by what became of them at the edge (stored, duplicate, unmapped, ignored, rejected, invalid)',
      labelNames: ['provider', 'result'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'webhook_rejected_total',
      help: 'Provider webhooks refused before storing (bad signature, unknown connection)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    handleSeconds: new Histogram({
      name: 'webhook_handle_seconds',
      help: 'Time to verify and store one provider webhook and answer it',
      labelNames: ['provider'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    sweptApplied: new Counter({
      name: 'webhook_sweeper_repairs_total',
      help: 'Work done by the sweeper: events applied late, terminal post-steps repaired',
      labelNames: ['source'],
      registers: [registry],
    }),
    applied: new Counter({
      name: 'webhook_events_applied_total',
      help: 'Stored webhook events applied to their call: applied, pending (call not known yet) or failed',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
}
