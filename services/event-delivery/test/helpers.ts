import supertest from 'supertest';
import { CampaignApiConfig, createTenant, startService as startCampaignApi, type CreatedTenant, type RunningService as RunningApi } from '@dialer/campaign-api';
import { createLogger, loadConfig } from '@dialer/platform';
import { createTestContext, startWebhookSink, type TestContext, type WebhookSink } from '@dialer/testing';
import { EventDeliveryConfig } from '../src/config';
import { startService, type RunningService } from '../src/service';

export interface Harness {
  ctx: TestContext;
  api: RunningApi;
  delivery: RunningService;
  tenant: CreatedTenant;
  sink: WebhookSink;
  http: ReturnType<typeof supertest>;
  auth(key?: string): { Authorization: string };
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * campaign-api and event-delivery in this process on a fresh schema and prefix, one tenant, and a
 * local sink standing in for the tenant's receiver. Retries are fast here (DELIVERY_RETRY_BASE_MS).
 * Logs are kept in `logs` (failed deliveries are expected in these tests).
 */
export async function startHarness(label: string, env: Record<string, string> = {}): Promise<Harness> {
  const ctx = await createTestContext(label);
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger({ service: 'event-delivery-test', level: 'warn', destination: { write: (l: string) => void logs.push(JSON.parse(l) as Record<string, unknown>) } });
  let api: RunningApi | undefined;
  let delivery: RunningService | undefined;
  let sink: WebhookSink | undefined;
  try {
    sink = await startWebhookSink();
    api = await startCampaignApi(loadConfig(CampaignApiConfig, { ...ctx.env, CAMPAIGN_API_PORT: '0' }), logger);
    delivery = await startService(loadConfig(EventDeliveryConfig, {
      ...ctx.env, EVENT_DELIVERY_PORT: '0', RELAY_INTERVAL_MS: '20', DELIVERY_RETRY_BASE_MS: '30', DELIVERY_TIMEOUT_MS: '2000', ...env,
    }), logger);
  } catch (err) {
    await delivery?.stop();
    await api?.stop();
    await sink?.close();
    await ctx.close();
    throw err;
  }
  const [a, d, s] = [api, delivery, sink];
  const tenant = await createTenant(ctx.ds, `tenant ${label}`);
  return {
    ctx, api: a, delivery: d, tenant, sink: s, logs,
    http: supertest(`http://127.0.0.1:${a.port}`),
    auth: (key = tenant.apiKey) => ({ Authorization: `Bearer ${key}` }),
    async close() {
      await d.stop();
      await a.stop();
      await s.close();
      await ctx.close();
    },
  };
}
