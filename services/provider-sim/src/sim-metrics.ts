import { Counter, Gauge, type Registry } from 'prom-client';

export interface SimMetrics {
  callsCreated: Counter;
  /** Callbacks the receiver accepted (2xx), by the CallStatus they carried. */
  callbacksSent: Counter<'status'>;
  /** Callbacks given up on: a 4xx answer, or network errors / 5xx / 429 past the last retry. */
  callbackFailures: Counter;
  liveCalls: Gauge;
  /** Status reads through the provider APIs (a reconciler's lookups): one call by id (fetch) or a list by number (list). */
  callLookups: Counter<'kind'>;
}

export function createSimMetrics(registry: Registry): SimMetrics {
  const registers = [registry];
  return {
    callsCreated: new Counter({ name: 'provider_sim_calls_created_total', help: 'Calls created through the Twilio Calls API', registers }),
    callbacksSent: new Counter({
      name: 'provider_sim_callbacks_sent_total', help: 'Status callbacks accepted by the receiver', labelNames: ['status'], registers,
    }),
    callbackFailures: new Counter({
      name: 'provider_sim_callback_failures_total', help: 'Status callbacks given up after refusal or retries', registers,
    }),
    liveCalls: new Gauge({ name: 'provider_sim_live_calls', help: 'Calls created and not yet ended', registers }),
    callLookups: new Counter({
      name: 'provider_sim_call_lookups_total', help: 'Call status reads through the provider APIs, by kind (fetch, list)', labelNames: ['kind'], registers,
    }),
  };
}
