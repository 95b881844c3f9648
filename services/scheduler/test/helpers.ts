import supertest from 'supertest';
import { CampaignApiConfig, createTenant, startService as startCampaignApi, type CreatedTenant, type RunningService as RunningApi } from '@dialer/campaign-api';
import { createLogger, loadConfig } from '@dialer/platform';
import { createTestContext, eventually, type TestContext } from '@dialer/testing';
import { SchedulerConfig } from '../src/config';
import type { Feeder } from '../src/feeder/feeder';
import { startService, type RunningService } from '../src/service';

export interface Api {
  ctx: TestContext;
  /** campaign-api, for creating and starting campaigns as a user would. */
  svc: RunningApi;
  scheduler: RunningService;
  tenant: CreatedTenant;
  http: ReturnType<typeof supertest>;
  auth(key?: string): { Authorization: string };
  /** The scheduler's feeder (it leads: it is the only replica). */
  feeder(): Feeder;
  /** The log records of both services, when started with captureLogs (else they go to stdout). */
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * campaign-api and one scheduler in this process, on a fresh schema and prefix, with one tenant;
 * resolves once the scheduler leads. `env` is the scheduler's.
 */
export async function startApi(label: string, env: Record<string, string> = {}, opts: { captureLogs?: boolean } = {}): Promise<Api> {
  const ctx = await createTestContext(label);
  const logs: Array<Record<string, unknown>> = [];
  const destination = opts.captureLogs ? { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) } : undefined;
  const logger = createLogger({ service: 'scheduler-test', level: ctx.env.LOG_LEVEL ?? 'warn', ...(destination ? { destination } : {}) });
  let api: RunningApi | undefined;
  let scheduler: RunningService | undefined;
  try {
    api = await startCampaignApi(loadConfig(CampaignApiConfig, { ...ctx.env, CAMPAIGN_API_PORT: '0' }), logger);
    scheduler = await startService(loadConfig(SchedulerConfig, { ...ctx.env, SCHEDULER_PORT: '0', ...env }), logger);
    const s = scheduler;
    await eventually(async () => s.feeder !== null, { what: 'the scheduler leads' });
  } catch (err) {
    await scheduler?.stop();
    await api?.stop();
    await ctx.close();
    throw err;
  }
  const [svc, sched] = [api, scheduler];
  const tenant = await createTenant(ctx.ds, `tenant ${label}`);
  return {
    ctx, svc, scheduler: sched, tenant, logs,
    http: supertest(`http://127.0.0.1:${svc.port}`),
    auth: (key = tenant.apiKey) => ({ Authorization: `Bearer ${key}` }),
    feeder: () => {
      if (!sched.feeder) throw new Error('the scheduler does not lead');
      return sched.feeder;
    },
    async close() {
      await sched.stop();
      await svc.stop();
      await ctx.close();
    },
  };
}

/** A campaign with a provider connection, created through the API. */
export async function createCampaign(api: Api, body: Record<string, unknown> = {}, key?: string): Promise<Record<string, any>> {
  const pc = await api.http.post('/v1/provider-connections').set(api.auth(key)).send({
    name: 'sim', type: 'twilio', baseUrl: 'http://127.0.0.1:3010', accountSid: 'AC123', authToken: 'secret-token', fromNumber: '+14155550100',
  });
  if (pc.status !== 201) throw new Error(`provider connection: ${pc.status} ${JSON.stringify(pc.body)}`);
  const res = await api.http.post('/v1/campaigns').set(api.auth(key)).send({ name: 'c', providerConnectionId: pc.body.id, ...body });
  if (res.status !== 201) throw new Error(`campaign: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Record<string, any>;
}
