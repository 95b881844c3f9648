/**
 * The images run compiled JavaScript (Dockerfile: `node dist/main.js` in the service's folder; the
 * migration `node packages/db/dist/cli/migrate.js`). There is no Docker engine here, so this runs the
 * output of the build the same way: plain Node, no tsx loader, every @dialer/* package resolved through
 * its package.json `main` (dist/). A fresh schema is migrated by the compiled migration, and a small
 * campaign runs to completion on the compiled services.
 */
import axios from 'axios';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import {
  createTestContext, eventually, REPO_ROOT, startStack, testPhones, zoneWhereLocalHourIs, type Stack, type TestContext,
} from '@dialer/testing';

jest.setTimeout(180_000);

/** Plain Node on a compiled file, without any loader the test runner's environment may carry. */
const runNode = (file: string, args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, [path.join(REPO_ROOT, file), ...args], {
    cwd: REPO_ROOT, env: { ...process.env, NODE_OPTIONS: '', ...env }, encoding: 'utf8', timeout: 120_000,
  });

describe('the compiled build, run with plain Node as the images run it', () => {
  let ctx: TestContext;
  let schema: string;
  let env: Record<string, string>;
  let importDir: string;
  let stack: Stack | undefined;

  beforeAll(async () => {
    // `pnpm build`'s TypeScript half; incremental, so about a second after `pnpm build` (.ci/run).
    const built = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'], {
      cwd: REPO_ROOT, encoding: 'utf8', timeout: 170_000,
    });
    expect(`${built.stdout}${built.stderr}`).toBe('');
    expect(built.status).toBe(0);
    ctx = await createTestContext('build');
    schema = `${ctx.schema}_js`;
    importDir = mkdtempSync(path.join(tmpdir(), 'compiled-build-'));
    env = { ...ctx.env, DB_SCHEMA: schema, IMPORT_DIR: importDir, FEEDER_INTERVAL_MS: '200' };
  });

  afterAll(async () => {
    await stack?.stop();
    const client = new Client({ connectionString: ctx.databaseUrl });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
    await ctx?.close();
    rmSync(importDir, { recursive: true, force: true });
  });

  it('when the compiled migration runs on an empty schema, then it applies every migration the sources know', async () => {
    const res = runNode('packages/db/dist/cli/migrate.js', [], env);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const { migrated } = JSON.parse(res.stdout.trim()) as { migrated: string[] };
    const fromSources: Array<{ name: string }> = await ctx.ds.query(`SELECT name FROM "${ctx.schema}".schema_migrations ORDER BY timestamp`);
    expect(fromSources.length).toBeGreaterThan(5);
    expect(migrated).toEqual(fromSources.map((m) => m.name));
  });

  it('when every service runs from dist/ with plain Node, then each is healthy and a campaign completes', async () => {
    stack = await startStack({
      env, compiled: true,
      serviceEnv: { 'provider-sim': { SIM_TIME_SCALE: '0.01', SIM_OUTCOMES: 'completed:1', SIM_SEED: '3' } },
    });
    for (const p of stack.procs.values()) expect((await fetch(`${p.url}/healthz`)).status).toBe(200);

    const tenant = runNode('services/campaign-api/dist/cli/create-tenant.js', ['compiled build'], env);
    expect(tenant.status).toBe(0);
    const { apiKey } = JSON.parse(tenant.stdout.trim()) as { apiKey: string };
    const api = axios.create({ baseURL: `${stack.urls['campaign-api']}/v1`, headers: { Authorization: `Bearer ${apiKey}` }, validateStatus: () => true });

    const conn = await api.post('/provider-connections', {
      name: 'sim', type: 'twilio', baseUrl: stack.urls['provider-sim'],
      accountSid: `AC${randomBytes(16).toString('hex')}`, authToken: randomBytes(16).toString('hex'), fromNumber: '+14155550100',
    });
    expect(conn.status).toBe(201);
    const zone = zoneWhereLocalHourIs(12);
    const camp = await api.post('/campaigns', {
      name: 'compiled', providerConnectionId: conn.data.id, maxConcurrentCalls: 2, maxAttempts: 1,
      defaultTimezone: zone, callingWindow: { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5, 6, 7] },
    });
    expect(camp.status).toBe(201);
    const id = camp.data.id as string;
    const leads = testPhones(3, 11).map((phone) => ({ phone, timezone: zone }));
    expect((await api.post(`/campaigns/${id}/leads`, { leads })).status).toBe(201);
    expect((await api.post(`/campaigns/${id}/start`)).status).toBe(200);

    const stats = await eventually(async () => {
      const s = await api.get(`/campaigns/${id}/stats`);
      return s.data.status === 'completed' ? s.data : undefined;
    }, { timeoutMs: 90_000, intervalMs: 250, what: 'the campaign completed on the compiled services' });
    expect(stats.leads.done).toBe(3);
    expect(stats.connected).toBe(3);
  });
});
