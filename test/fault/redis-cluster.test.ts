/**
 * The README's claim, shown: the queue prefix is hash-tagged, so the dialer runs on a Redis Cluster.
 * A 3-master cluster of private redis-servers (no replicas), a private Postgres, and every service its
 * own process pointed at the cluster (REDIS_URL=redis+cluster://…, two dialer-workers). A campaign
 * runs to completion with the usual invariants — each (lead, attempt) dialled once and provider-sim's
 * calls equal to the attempts, never more live calls than the limit, stats equal to the recount, no
 * slot left held — the live stream gets its call events through pub/sub on the cluster, sign-in
 * throttling works, and every key the services wrote sits on one master: one slot by design.
 */
import axios from 'axios';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createDataSource, migrate, type DataSource } from '@dialer/db';
import { closeRedis, createRedis, scanKeys, waitForRedis, type Redis } from '@dialer/queue';
import {
  eventually, freePort, REPO_ROOT, spawnService, startPrivatePostgres, startPrivateRedisCluster, startStack,
  type PrivatePostgres, type PrivateRedisCluster, type Stack,
} from '@dialer/testing';
import { expectCampaignSettled, leadsDone, PREFIX, startCampaign, type CampaignStack } from './fault-harness';

jest.setTimeout(120_000);

describe('a campaign on a 3-master Redis Cluster', () => {
  let pg: PrivatePostgres | undefined;
  let cluster: PrivateRedisCluster | undefined;
  let stack: Stack | undefined;
  let ds: DataSource | undefined;
  let redis: Redis | undefined;
  let f: CampaignStack;
  let apiKey: string;

  beforeAll(async () => {
    [pg, cluster] = await Promise.all([startPrivatePostgres(), startPrivateRedisCluster(3)]);
    const schema = 'dialer';
    await migrate({ url: pg.url, schema });
    stack = await startStack({
      env: {
        DATABASE_URL: pg.url, DB_SCHEMA: schema, REDIS_URL: cluster.url, QUEUE_PREFIX: PREFIX,
        NODE_ENV: 'test', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
        FEEDER_INTERVAL_MS: '200', DIALER_CONCURRENCY: '10', LEASE_RETRY_MS: '100', DB_POOL_SIZE: '5',
        RECONCILER_INTERVAL_MS: '1000', WEBHOOK_SWEEP_MS: '1000', SHUTDOWN_TIMEOUT_MS: '10000',
      },
      serviceEnv: {
        'provider-sim': { SIM_TIME_SCALE: '0.02', SIM_OUTCOMES: 'completed:0.5,busy:0.2,no-answer:0.2,failed:0.1', SIM_SEED: '17' },
      },
      workers: 2,
    });
    ds = createDataSource({ url: pg.url, schema, poolSize: 3 });
    await ds.initialize();
    redis = createRedis(cluster.url, 'worker', 'cluster-test');
    await waitForRedis(redis);
    const created = spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'services/campaign-api/src/cli/create-tenant.ts'), 'cluster tenant'], {
      env: { ...process.env, ...stack.env }, encoding: 'utf8',
    });
    if (created.status !== 0) throw new Error(`tenant:create failed: ${created.stderr}`);
    const tenant = JSON.parse(created.stdout.trim().split('\n').pop()!) as { tenantId: string; apiKey: string };
    apiKey = tenant.apiKey;
    const api = axios.create({ baseURL: `${stack.urls['campaign-api']}/v1`, headers: { Authorization: `Bearer ${apiKey}` }, validateStatus: () => true });
    f = { stack, ds, redis, api, tenantId: tenant.tenantId };
  });

  afterAll(async () => {
    await stack?.stop();
    if (redis) await closeRedis(redis);
    await ds?.destroy();
    await Promise.all([pg?.stop(), cluster?.stop()]);
  });

  it('when a campaign runs with every service on the cluster, then it completes with no double dial, never over the limit, and stats equal to the recount', async () => {
    const c = await startCampaign(f, { leads: 40, limit: 4, seed: 31 });
    // The live stream: call events reach campaign-api only through pub/sub on the cluster
    // (metrics-aggregator publishes, campaign-api's subscriber listens); it ends when the campaign does.
    const stream = fetch(`${stack!.urls['campaign-api']}/v1/campaigns/${c.id}/events`, {
      headers: { Authorization: `Bearer ${apiKey}` }, signal: AbortSignal.timeout(60_000),
    }).then((res) => res.text());
    // About 10 s when things work; a failure here names what stalled instead of hitting the test timeout.
    await eventually(async () => (await leadsDone(f, c)) === c.leads, { timeoutMs: 45_000, intervalMs: 500, what: 'every lead final on the cluster' });
    const r = await expectCampaignSettled(f, c);
    // provider-sim placed exactly one call per attempt.
    expect(r.calls).toBe(r.attempts);
    expect(r.maxLive).toBeGreaterThan(1);
    const events = await stream;
    expect(events).toMatch(/^event: calls$/m);
    expect(events).toMatch(/^event: end\ndata: .*"status":"completed"/m);

    // Sign-in throttling (MULTI over the account's and the address's keys) works on the cluster.
    expect((await f.api.post('/auth/login', { email: 'nobody@example.com', password: 'not the password' })).status).toBe(401);

    // Every key (BullMQ queues, leases, rate limits, markers) carries the hash tag: one slot, one master.
    const keys = await scanKeys(redis!, PREFIX);
    expect(keys.some((k) => k.startsWith(`${PREFIX}:dial:`))).toBe(true);
    expect(keys.some((k) => k.startsWith(`${PREFIX}:call-finished:`))).toBe(true);
    expect(keys.some((k) => k.startsWith(`${PREFIX}:login:`))).toBe(true);
    const perNode = await cluster!.keysPerNode();
    expect(perNode.filter((n) => n > 0)).toEqual([keys.length]);
  });

  it('when the queue prefix is not hash-tagged, then a service refuses to start on the cluster', async () => {
    const started = spawnService('dialer-worker', { env: { ...stack!.env, QUEUE_PREFIX: 'dialer' }, port: await freePort(), instance: 'untagged' });
    await expect(started).rejects.toThrow(/exited before it was healthy[\s\S]*QUEUE_PREFIX must be hash-tagged/);
  });
});
