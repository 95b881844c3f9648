import supertest from 'supertest';
import { createLogger, loadConfig } from '@dialer/platform';
import { createTestContext, type TestContext } from '@dialer/testing';
import { CampaignApiConfig } from '../src/config';
import { startService, type RunningService } from '../src/service';
import { createTenant, type CreatedTenant } from '../src/tenants/create-tenant';

export interface Api {
  ctx: TestContext;
  svc: RunningService;
  base: string;
  tenant: CreatedTenant;
  /** supertest agent bound to the running service. */
  http: ReturnType<typeof supertest>;
  auth(key?: string): { Authorization: string };
  close(): Promise<void>;
}

/** Starts campaign-api on a free port against a fresh schema and prefix, with one tenant. */
export async function startApi(label: string, env: Record<string, string> = {}): Promise<Api> {
  const ctx = await createTestContext(label);
  const cfg = loadConfig(CampaignApiConfig, { ...ctx.env, CAMPAIGN_API_PORT: '0', FEEDER_ENABLED: 'false', ...env });
  const logger = createLogger({ service: 'campaign-api-test', level: ctx.env.LOG_LEVEL ?? 'warn' });
  let svc: RunningService;
  try {
    svc = await startService(cfg, logger);
  } catch (err) {
    await ctx.close();
    throw err;
  }
  const tenant = await createTenant(ctx.ds, `tenant ${label}`);
  const base = `http://127.0.0.1:${svc.port}`;
  return {
    ctx, svc, base, tenant,
    http: supertest(base),
    auth: (key = tenant.apiKey) => ({ Authorization: `Bearer ${key}` }),
    async close() {
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
