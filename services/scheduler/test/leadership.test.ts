import { createLogger, loadConfig } from '@dialer/platform';
import { closeRedis, createRedis } from '@dialer/queue';
import { createTestContext, eventually, startPrivateRedis, type TestContext } from '@dialer/testing';
import { SchedulerConfig } from '../src/config';
import { Leadership, leaderKey } from '../src/leadership';
import { startService } from '../src/service';

const TTL_MS = 1_500;

describe('scheduler leadership', () => {
  let ctx: TestContext;
  const logs: Array<Record<string, unknown>> = [];
  // Step-downs warn on purpose here: kept and checked, not printed.
  const logger = createLogger({ service: 'leadership-test', level: 'warn', destination: { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) } });
  const started: Leadership[] = [];

  beforeAll(async () => {
    ctx = await createTestContext('leadership');
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((l) => l.stop()));
  });
  afterAll(async () => {
    await ctx?.close();
  });

  /** A replica whose "work" records when it runs. */
  function replica(name: string, key: string, running: Set<string>, redis = ctx.redis): Leadership {
    const l = new Leadership({
      redis, key, ttlMs: TTL_MS, retryMs: 50, logger,
      lead: async () => {
        running.add(name);
        return async () => {
          running.delete(name);
        };
      },
    });
    started.push(l);
    l.start();
    return l;
  }

  it('when two replicas start on one prefix, then exactly one leads; when it stops, it releases the lock and the other leads at once', async () => {
    const key = leaderKey(`${ctx.queuePrefix}:a`);
    const running = new Set<string>();
    const a = replica('a', key, running);
    const b = replica('b', key, running);
    await eventually(async () => running.size === 1, { what: 'one leader' });
    // Well past a renewal: still one, the same one.
    await new Promise((r) => setTimeout(r, TTL_MS));
    expect(running.size).toBe(1);
    const [leader, standby] = a.leading ? [a, b] : [b, a];
    expect(standby.leading).toBe(false);
    expect(await ctx.redis.get(key)).toBe(leader.token);

    const stoppedAt = Date.now();
    await leader.stop();
    await eventually(async () => standby.leading, { intervalMs: 10, what: 'the standby leads' });
    expect(Date.now() - stoppedAt).toBeLessThan(TTL_MS / 2);
    expect(running.size).toBe(1);
    expect(await ctx.redis.get(key)).toBe(standby.token);
  });

  it('when the lock is taken from the leader, then it stops its work at its next renewal and does not take the lock back', async () => {
    const key = leaderKey(`${ctx.queuePrefix}:b`);
    const running = new Set<string>();
    const l = replica('only', key, running);
    await eventually(async () => l.leading, { what: 'it leads' });
    await ctx.redis.set(key, 'someone-else', 'PX', 60_000);
    await eventually(async () => running.size === 0, { timeoutMs: TTL_MS, intervalMs: 10, what: 'its work stopped' });
    expect(l.leading).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(await ctx.redis.get(key)).toBe('someone-else');
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'the scheduler leader lock was lost (expired or taken): stepping down' }));
  });

  it('when Redis stops answering (a renewal hangs), then the leader stops its work before its lock can lapse', async () => {
    const server = await startPrivateRedis();
    const redis = createRedis(server.url, 'producer', 'leadership-test');
    const admin = createRedis(server.url, 'producer', 'leadership-test-admin');
    try {
      const running = new Set<string>();
      const l = replica('paused', 'leader', running, redis);
      await eventually(async () => l.leading, { what: 'it leads' });
      // Every client's commands wait (the renewal hangs, it does not fail) for longer than the ttl.
      await admin.call('CLIENT', 'PAUSE', String(3 * TTL_MS), 'ALL');
      const pausedAt = Date.now();
      await eventually(async () => running.size === 0, { timeoutMs: 2 * TTL_MS, intervalMs: 10, what: 'its work stopped' });
      expect(Date.now() - pausedAt).toBeLessThan(TTL_MS);
      expect(l.leading).toBe(false);
      await admin.call('CLIENT', 'UNPAUSE');
      await l.stop();
    } finally {
      await closeRedis(redis);
      await closeRedis(admin);
      await server.stop();
    }
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'the scheduler leader lock could not be renewed in time: stepping down' }));
  });

  it('when the scheduler runs, then /readyz names its role and the scheduler_leader gauge is 1', async () => {
    const svc = await startService(loadConfig(SchedulerConfig, { ...ctx.env, SCHEDULER_PORT: '0' }), logger);
    try {
      const base = `http://127.0.0.1:${svc.port}`;
      await eventually(async () => svc.leadership.leading, { what: 'it leads' });
      expect(svc.feeder).not.toBeNull();
      expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ok', role: 'leader' });
      expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/^scheduler_leader\{[^}]*\} 1$/m);
    } finally {
      await svc.stop();
    }
    expect(svc.feeder).toBeNull();
  });
});
