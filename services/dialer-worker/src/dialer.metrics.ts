import { Counter, Histogram, type Registry } from 'prom-client';
import { createMetricsRegistry } from '@dialer/platform';

/** What became of one dial job (the `result` label of dialer_dials_total). */
export const DIAL_RESULTS = [
  'placed', 'rejected', 'requeued', 'ambiguous',
  'skipped_window', 'skipped_dnc', 'skipped_stale', 'skipped_not_running', 'skipped_no_provider', 'skipped_cap',
  'window_wait', 'skipped_consent', 'predial_refused', 'predial_retry', 'predial_error',
] as const;
export type DialResult = (typeof DIAL_RESULTS)[number];

export interface DialerMetrics {
  registry: Registry;
  dials: Counter<'result'>;
  leaseWaits: Counter;
  providerSeconds: Histogram;
}

export function createDialerMetrics(): DialerMetrics {
  const registry = createMetricsRegistry('dialer-worker');
  const dials = new Counter({
    name: 'dialer_dials_total',
    help: 'Dial jobs by what became of them',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  for (const r of DIAL_RESULTS) dials.inc({ result: r }, 0);
  return {
    registry,
    dials,
    leaseWaits: new Counter({
      name: 'dialer_lease_waits_total',
      help: 'Dial jobs delayed because their campaign had no free concurrency slot',
      registers: [registry],
    }),
    providerSeconds: new Histogram({
      name: 'dialer_provider_request_seconds',
      help: 'Time the provider took to accept or refuse a call (including the adapter\'s own retries)',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  };
}
