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
  /** The service's log records, when started with captureLogs (else they go to stdout). */
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface StartApiOptions {
  /**
   * Keep the service's log lines in `api.logs` instead of printing them: for tests that provoke
   * warnings on purpose (they can assert on them, and `pnpm test` stays readable).
   */
  captureLogs?: boolean;
}

/** Starts campaign-api on a free port against a fresh schema and prefix, with one tenant. */
export async function startApi(label: string, env: Record<string, string> = {}, opts: StartApiOptions = {}): Promise<Api> {
  const ctx = await createTestContext(label);
  const cfg = loadConfig(CampaignApiConfig, { ...ctx.env, CAMPAIGN_API_PORT: '0', ...env });
  const logs: Array<Record<string, unknown>> = [];
  const destination = opts.captureLogs ? { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) } : undefined;
  const logger = createLogger({ service: 'campaign-api-test', level: ctx.env.LOG_LEVEL ?? 'warn', ...(destination ? { destination } : {}) });
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
    ctx, svc, base, tenant, logs,
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
