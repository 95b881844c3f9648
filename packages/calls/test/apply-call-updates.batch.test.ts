import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { applyCallUpdate, applyCallUpdates, type ApplyResult, type AttemptUpdate, type CallUpdate } from '@dialer/calls';
import { createTestContext, REPO_ROOT, type TestContext } from '@dialer/testing';

/**
 * applyCallUpdates ends many attempts in one transaction. It must have exactly the effect of
 * applyCallUpdate on each in turn: two identical worlds are built, one is given the updates one by
 * one and the other as one batch, and every row they touch is compared. Then its cost: ending 40
 * calls issues no more statements than ending one.
 */
describe('applyCallUpdates (many attempts in one transaction)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('attempts_batch');
  });
  afterAll(async () => ctx.close());

  const AT = new Date('2026-03-04T12:00:00Z');
  const CALLBACK_AT = new Date('2026-03-05T15:00:00Z');

  interface Case {
    name: string;
    campaign?: { maxAttempts?: number; policy?: object; status?: string };
    /** The lead's attempts so far; one attempt row per number (the last one is current). */
    attempts?: number;
    pendingCallback?: boolean;
    alreadyEnded?: boolean;
    /** Updates, each for the attempt of that number (1-based). */
    updates: Array<{ attemptNo: number; update: CallUpdate }>;
  }

  const end = (status: CallUpdate['status'], outcome: CallUpdate['outcome'], extra: Partial<CallUpdate> = {}): CallUpdate => ({
    status, rawStatus: String(status), outcome, at: AT, durationSeconds: outcome === 'answered' ? 30 : null, ...extra,
  });

  const CASES: Case[] = [
    { name: 'answered', updates: [{ attemptNo: 1, update: end('completed', 'answered') }] },
    { name: 'busy, retried', campaign: { policy: { busy: { enabled: true, delaySeconds: 600 } } }, updates: [{ attemptNo: 1, update: end('busy', 'busy') }] },
    { name: 'no answer, exhausted', campaign: { maxAttempts: 1 }, updates: [{ attemptNo: 1, update: end('no_answer', 'no_answer') }] },
    { name: 'opted out', updates: [{ attemptNo: 1, update: end('completed', 'opted_out') }] },
    { name: 'a pending callback dialled', pendingCallback: true, campaign: { policy: { busy: { enabled: true, delaySeconds: 600 } } }, updates: [{ attemptNo: 1, update: end('busy', 'busy') }] },
    { name: 'the analysis asks for a callback', updates: [{ attemptNo: 1, update: end('completed', 'answered', { callbackAt: CALLBACK_AT }) }] },
    { name: 'a duplicate end', alreadyEnded: true, updates: [{ attemptNo: 1, update: end('completed', 'answered') }] },
    { name: 'another call\'s update', updates: [{ attemptNo: 1, update: end('completed', 'answered', { providerCallId: 'CAsomeoneelse' }) }] },
    { name: 'progress', updates: [{ attemptNo: 1, update: { status: 'ringing', rawStatus: 'ringing', at: AT } }] },
    { name: 'campaign stopped', campaign: { status: 'stopped', policy: { busy: { enabled: true, delaySeconds: 60 } } }, updates: [{ attemptNo: 1, update: end('busy', 'busy') }] },
    {
      name: 'two calls of one lead end together (a late end of the earlier call)', attempts: 2,
      campaign: { policy: { busy: { enabled: true, delaySeconds: 600 }, no_answer: { enabled: true, delaySeconds: 300 } } },
      updates: [{ attemptNo: 2, update: end('busy', 'busy') }, { attemptNo: 1, update: end('no_answer', 'no_answer') }],
    },
  ];

  interface World { items: AttemptUpdate[]; labels: Map<string, string>; leads: string[] }

  async function build(tag: string): Promise<World> {
    const [t] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ($1) RETURNING id`, [tag]);
    const items: AttemptUpdate[] = [];
    const labels = new Map<string, string>();
    const leads: string[] = [];
    for (const [k, c] of CASES.entries()) {
      const [camp] = await ctx.ds.query(
        `INSERT INTO campaigns (tenant_id, name, status, max_attempts, retry_policy, default_timezone, calling_window)
         VALUES ($1, $2, $3, $4, $5, 'Etc/UTC', '{"start":"00:00","end":"23:59"}') RETURNING id`,
        [t.id, c.name, c.campaign?.status ?? 'running', c.campaign?.maxAttempts ?? 3, JSON.stringify(c.campaign?.policy ?? {})]);
      const n = c.attempts ?? 1;
      // A UK number: no rule pack, so retry times do not depend on the hour the test runs at.
      const [l] = await ctx.ds.query(
        `INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, attempts, next_attempt_at) VALUES ($1, $2, $3, 'dialing', $4, $5) RETURNING id`,
        [t.id, camp.id, `+4479111${String(23400 + k)}`, n, AT]);
      leads.push(l.id);
      const ids: string[] = [];
      for (let no = 1; no <= n; no++) {
        const [a] = await ctx.ds.query(
          `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, provider_call_id, status)
           VALUES ($1, $2, $3, $4, 'twilio', $5, 'queued') RETURNING id`, [t.id, camp.id, l.id, no, `CA${randomUUID().replace(/-/g, '')}`]);
        ids.push(a.id);
        labels.set(a.id, `${c.name}#${no}`);
      }
      if (c.pendingCallback) {
        await ctx.ds.query(
          `INSERT INTO callbacks (tenant_id, campaign_id, lead_id, source, requested_at, due_at, prior_status, prior_next_attempt_at)
           VALUES ($1, $2, $3, 'api', $4, $4, 'pending', $4)`, [t.id, camp.id, l.id, AT]);
      }
      if (c.alreadyEnded) await applyCallUpdate(ctx.ds, ids[0] as string, end('completed', 'answered'));
      for (const u of c.updates) items.push({ callAttemptId: ids[u.attemptNo - 1] as string, update: u.update });
    }
    // An attempt that does not exist.
    const ghost = randomUUID();
    labels.set(ghost, 'ghost');
    items.push({ callAttemptId: ghost, update: end('completed', 'answered') });
    return { items, labels, leads };
  }

  /** Everything the updates may have touched, with ids replaced by labels. */
  async function snapshot(w: World): Promise<unknown> {
    const label = (id: string) => w.labels.get(id) ?? id;
    const leads = await ctx.ds.query(
      `SELECT c.name, l.status, l.disposition, l.next_attempt_at, l.attempts FROM leads l JOIN campaigns c ON c.id = l.campaign_id
        WHERE l.id = ANY($1::uuid[]) ORDER BY c.name`, [w.leads]);
    const attempts = (await ctx.ds.query(
      `SELECT id, status, raw_status, outcome, duration_seconds, ended_at, lead_final, provider_call_id IS NOT NULL AS has_call_id
         FROM call_attempts WHERE lead_id = ANY($1::uuid[])`, [w.leads]))
      .map(({ id, ...r }: { id: string }) => ({ attempt: label(id), ...r }))
      .sort((a: { attempt: string }, b: { attempt: string }) => a.attempt.localeCompare(b.attempt));
    const callbacks = (await ctx.ds.query(
      `SELECT c.name, cb.source, cb.status, cb.attempt_no, cb.due_at, cb.call_attempt_id FROM callbacks cb JOIN campaigns c ON c.id = cb.campaign_id
        WHERE cb.lead_id = ANY($1::uuid[]) ORDER BY c.name, cb.source`, [w.leads]))
      .map(({ call_attempt_id, ...r }: { call_attempt_id: string | null }) => ({ ...r, attempt: call_attempt_id && label(call_attempt_id) }));
    const dnc = await ctx.ds.query(
      `SELECT d.phone_e164, d.source FROM dnc_entries d JOIN leads l ON l.phone_e164 = d.phone_e164 AND l.tenant_id = d.tenant_id
        WHERE l.id = ANY($1::uuid[]) ORDER BY 1`, [w.leads]);
    const audit = await ctx.ds.query(
      `SELECT a.action, count(*)::int AS n FROM audit_log a WHERE a.entity_id = ANY($1::text[]) GROUP BY 1 ORDER BY 1`, [w.leads]);
    return { leads, attempts, callbacks, dnc, audit };
  }

  const named = (w: World, results: ApplyResult[]) => results.map((r, i) => ({
    attempt: w.labels.get((w.items[i] as AttemptUpdate).callAttemptId),
    ...(r.applied ? { applied: true, terminal: r.terminal, lead: r.lead ?? null, status: r.attempt.status } : r),
  }));

  it('when many attempts end in one batch, then every row is as if each update had been applied alone, in order', async () => {
    const one = await build('one by one');
    const oneResults: ApplyResult[] = [];
    for (const item of one.items) oneResults.push(await applyCallUpdate(ctx.ds, item.callAttemptId, item.update));
    const batch = await build('batch');
    const batchResults = await applyCallUpdates(ctx.ds, batch.items);

    expect(named(batch, batchResults)).toEqual(named(one, oneResults));
    const [a, b] = [await snapshot(one), await snapshot(batch)];
    expect(b).toEqual(a);
    // The comparison is not vacuous: the cases reached every kind of write, with the values the rules give.
    expect(b).toMatchObject({
      leads: expect.arrayContaining([
        expect.objectContaining({ name: 'answered', status: 'done', disposition: 'answered' }),
        expect.objectContaining({ name: 'busy, retried', status: 'pending', disposition: 'busy', next_attempt_at: new Date(AT.getTime() + 600_000) }),
        expect.objectContaining({ name: 'no answer, exhausted', status: 'done', disposition: 'exhausted' }),
      ]),
      attempts: expect.arrayContaining([expect.objectContaining({ attempt: 'answered#1', status: 'completed', outcome: 'answered', ended_at: AT, lead_final: true })]),
      callbacks: expect.arrayContaining([expect.objectContaining({ source: 'analysis' }), expect.objectContaining({ source: 'api', status: 'dialled' })]),
      dnc: [expect.objectContaining({ source: 'opt_out' })],
      audit: [{ action: 'lead.callback_requested', n: 1 }],
    });
    expect(oneResults.map((r) => (r.applied ? 'applied' : r.reason)).sort()).toEqual(expect.arrayContaining(['not_forward', 'other_call', 'unknown_attempt']));
  });

  it('when the same attempt is named twice, then nothing is applied and the caller is told', async () => {
    const w = await build('twice');
    const item = w.items[0] as AttemptUpdate;
    await expect(applyCallUpdates(ctx.ds, [item, item])).rejects.toThrow(/named twice/);
    const [row] = await ctx.ds.query(`SELECT status FROM call_attempts WHERE id = $1`, [item.callAttemptId]);
    expect(row.status).toBe('queued');
  });

  it('when 40 calls end in one batch, then it takes no more statements than ending one', async () => {
    // Round trips are counted on the pg client every statement goes through (the real one, spied on).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pg = require(require.resolve('pg', { paths: [path.join(REPO_ROOT, 'packages', 'db')] })) as typeof import('pg');
    const [t] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('cost') RETURNING id`);
    const [camp] = await ctx.ds.query(
      `INSERT INTO campaigns (tenant_id, name, status, max_attempts, default_timezone) VALUES ($1, 'cost', 'running', 3, 'Etc/UTC') RETURNING id`, [t.id]);
    let seeded = 0;
    const seed = async (n: number): Promise<AttemptUpdate[]> => {
      seeded += n;
      const rows: Array<{ id: string }> = await ctx.ds.query(
        `WITH l AS (INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, attempts)
                    SELECT $1, $2, '+447911' || lpad(g::text, 6, '0'), 'dialing', 1 FROM generate_series($3::int - $4::int + 1, $3::int) g RETURNING id)
         INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, status)
         SELECT $1, $2, l.id, 1, 'twilio', 'queued' FROM l RETURNING id`, [t.id, camp.id, seeded, n]);
      return rows.map((r) => ({ callAttemptId: r.id, update: end('completed', 'answered') }));
    };
    const statements = async (items: AttemptUpdate[]): Promise<number> => {
      const spy = jest.spyOn(pg.Client.prototype, 'query');
      try {
        const results = await applyCallUpdates(ctx.ds, items);
        expect(results.every((r) => r.applied && r.terminal)).toBe(true);
        return spy.mock.calls.length;
      } finally {
        spy.mockRestore();
      }
    };
    await statements(await seed(1)); // warms up the prepared statements and the listener cache
    const single = await statements(await seed(1));
    const forty = await statements(await seed(40));
    expect(single).toBeGreaterThan(0);
    expect(forty).toBe(single);
    const [{ n }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM leads WHERE campaign_id = $1 AND status = 'done'`, [camp.id]);
    expect(n).toBe(42);
  });
});
