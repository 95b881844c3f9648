import { createTestContext, type TestContext } from '@dialer/testing';
import { CampaignSettings } from '../src/campaign-settings';
import { createDialBatches } from '../src/dial-batches';
import type { LeadRef } from '../src/dial.repository';

/** The per-dial statements, batched: each dial gets exactly what its own statement would give. */
describe('dial batches', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('attemptwriter');
  });
  afterAll(async () => ctx.close());

  let phone = 0;
  async function campaign(status = 'running') {
    const [t] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('t') RETURNING id`);
    const [c] = await ctx.ds.query(`INSERT INTO campaigns (tenant_id, name, status) VALUES ($1, 'c', $2) RETURNING id`, [t.id, status]);
    const [p] = await ctx.ds.query(
      `INSERT INTO provider_connections (tenant_id, name, type, secrets_sealed) VALUES ($1, 'p', 'twilio', 'x') RETURNING id`, [t.id]);
    return { tenantId: t.id as string, campaignId: c.id as string, connectionId: p.id as string };
  }
  async function lead(c: { tenantId: string; campaignId: string }, status = 'queued', attempts = 0): Promise<LeadRef> {
    const [l] = await ctx.ds.query(
      `INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, attempts) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [c.tenantId, c.campaignId, `+1415555${String(++phone).padStart(4, '0')}`, status, attempts]);
    return { tenantId: c.tenantId, campaignId: c.campaignId, leadId: l.id, attemptNo: attempts + 1 };
  }
  const leadRow = async (id: string) => (await ctx.ds.query(`SELECT status, attempts FROM leads WHERE id = $1`, [id]))[0];
  const attemptCount = async (id: string) => (await ctx.ds.query(`SELECT count(*)::int AS n FROM call_attempts WHERE lead_id = $1`, [id]))[0].n;

  it('when dials of several campaigns arrive together, then each gets its own result and only due leads of running campaigns are written', async () => {
    const running = await campaign();
    const paused = await campaign('paused');
    const due = await Promise.all(Array.from({ length: 30 }, () => lead(running)));
    const notQueued = await lead(running, 'pending');
    const ofPaused = await lead(paused);
    const writer = createDialBatches(ctx.ds);
    const provider = (c: { connectionId: string }) => ({ type: 'twilio', connectionId: c.connectionId });
    const now = new Date();
    const results = await Promise.all([
      ...due.map((ref) => writer.beginAttempt({ ref, provider: provider(running), now })),
      writer.beginAttempt({ ref: notQueued, provider: provider(running), now }),
      writer.beginAttempt({ ref: ofPaused, provider: provider(paused), now }),
    ]);
    const ids = new Set<string>();
    for (let i = 0; i < due.length; i++) {
      const r = results[i]!;
      expect(r.kind).toBe('created');
      if (r.kind === 'created') ids.add(r.attemptId);
      expect(await leadRow(due[i]!.leadId)).toEqual({ status: 'dialing', attempts: 1 });
      const [a] = await ctx.ds.query(`SELECT id, status FROM call_attempts WHERE lead_id = $1 AND attempt_no = 1`, [due[i]!.leadId]);
      expect(a).toEqual({ id: (r as { attemptId: string }).attemptId, status: 'created' });
    }
    expect(ids.size).toBe(due.length);
    expect(results[due.length]).toEqual({ kind: 'stale', campaignRunning: true });
    expect(results[due.length + 1]).toEqual({ kind: 'stale', campaignRunning: false });
    expect(await leadRow(notQueued.leadId)).toEqual({ status: 'pending', attempts: 0 });
    expect(await leadRow(ofPaused.leadId)).toEqual({ status: 'queued', attempts: 0 });
    expect(await attemptCount(ofPaused.leadId)).toBe(0);
  });

  it('when one lead of a batch already has its attempt row, then that dial is a duplicate and the others are still written', async () => {
    const c = await campaign();
    const refs = await Promise.all(Array.from({ length: 10 }, () => lead(c)));
    const taken = refs[4]!;
    await ctx.ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, status) VALUES ($1, $2, $3, 1, 'twilio', 'created')`,
      [c.tenantId, c.campaignId, taken.leadId]);
    const writer = createDialBatches(ctx.ds);
    const now = new Date();
    const results = await Promise.all(refs.map((ref: LeadRef) => writer.beginAttempt({ ref, provider: { type: 'twilio', connectionId: c.connectionId }, now })));
    results.forEach((r, i) => expect(r.kind).toBe(i === 4 ? 'duplicate' : 'created'));
    expect(await leadRow(taken.leadId)).toEqual({ status: 'queued', attempts: 0 });
    expect(await attemptCount(taken.leadId)).toBe(1);
  });

  it('when the same dial is written twice at once, then exactly one attempt exists and only one caller dials', async () => {
    const c = await campaign();
    const ref = await lead(c);
    const writer = createDialBatches(ctx.ds);
    const other = createDialBatches(ctx.ds);
    const now = new Date();
    const provider = { type: 'twilio', connectionId: c.connectionId };
    const results = await Promise.all([writer.beginAttempt({ ref, provider, now }), writer.beginAttempt({ ref, provider, now }), other.beginAttempt({ ref, provider, now })]);
    expect(results.filter((r) => r.kind === 'created')).toHaveLength(1);
    expect(await attemptCount(ref.leadId)).toBe(1);
    expect(await leadRow(ref.leadId)).toEqual({ status: 'dialing', attempts: 1 });
  });

  it('when several leads are read at once, then each comes back with its own do-not-call answer, and a lead of another tenant is not found', async () => {
    const c = await campaign();
    const other = await campaign();
    const refs = await Promise.all(Array.from({ length: 6 }, () => lead(c)));
    const [onDnc] = await ctx.ds.query(`SELECT phone_e164 FROM leads WHERE id = $1`, [refs[2]!.leadId]);
    await ctx.ds.query(`INSERT INTO dnc_entries (tenant_id, phone_e164) VALUES ($1, $2)`, [c.tenantId, onDnc.phone_e164]);
    const batches = createDialBatches(ctx.ds);
    const read = await Promise.all([...refs.map((r) => batches.findLead(r)), batches.findLead({ ...refs[0]!, tenantId: other.tenantId })]);
    refs.forEach((r, i) => expect(read[i]).toMatchObject({ id: r.leadId, status: 'queued', attempts: 0, dnc: i === 2 }));
    expect(read[refs.length]).toBeNull();
  });

  async function attemptRows(n: number, status = 'created'): Promise<string[]> {
    const [t] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('t') RETURNING id`);
    const [c] = await ctx.ds.query(`INSERT INTO campaigns (tenant_id, name, status) VALUES ($1, 'c', 'running') RETURNING id`, [t.id]);
    const rows: Array<{ id: string }> = await ctx.ds.query(
      `WITH l AS (
         INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, attempts)
         SELECT $1, $2, '+1628555' || lpad(g::text, 4, '0'), 'dialing', 1 FROM generate_series(1, $3) g RETURNING id)
       INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, status)
       SELECT $1, $2, l.id, 1, 'twilio', $4 FROM l RETURNING id`, [t.id, c.id, n, status]);
    return rows.map((r) => r.id);
  }

  it('when many dials finish at once, then every attempt gets its own provider call id and is dialled', async () => {
    const ids = await attemptRows(60);
    const marks = createDialBatches(ctx.ds);
    await Promise.all(ids.map((id, i) => marks.markDialed({ attemptId: id, providerCallId: `CA${String(i).padStart(32, '0')}` })));
    const rows: Array<{ id: string; provider_call_id: string; status: string; dialed: boolean }> = await ctx.ds.query(
      `SELECT id, provider_call_id, status, dialed_at IS NOT NULL AS dialed FROM call_attempts WHERE id = ANY($1::uuid[])`, [ids]);
    expect(rows).toHaveLength(60);
    for (const r of rows) {
      expect(r.provider_call_id).toBe(`CA${String(ids.indexOf(r.id)).padStart(32, '0')}`);
      expect(r).toMatchObject({ status: 'queued', dialed: true });
    }
  });

  it('when a webhook moved the attempt on first, then its status is kept', async () => {
    const [id] = await attemptRows(1, 'ringing');
    await createDialBatches(ctx.ds).markDialed({ attemptId: id!, providerCallId: 'CA-ringing-first' });
    const [r] = await ctx.ds.query(`SELECT status, provider_call_id FROM call_attempts WHERE id = $1`, [id]);
    expect(r).toEqual({ status: 'ringing', provider_call_id: 'CA-ringing-first' });
  });

  it('when the write fails, then each waiting caller gets the error and later marks still go through', async () => {
    const ids = await attemptRows(2);
    await ctx.ds.query(`UPDATE call_attempts SET provider_call_id = 'CA-taken' WHERE id = $1`, [ids[0]]);
    const marks = createDialBatches(ctx.ds);
    // The same provider call id for a second attempt breaks the unique index: the whole batch fails.
    await expect(marks.markDialed({ attemptId: ids[1]!, providerCallId: 'CA-taken' })).rejects.toThrow(/unique|duplicate/i);
    await marks.markDialed({ attemptId: ids[1]!, providerCallId: 'CA-own' });
    const [r] = await ctx.ds.query(`SELECT provider_call_id FROM call_attempts WHERE id = $1`, [ids[1]]);
    expect(r.provider_call_id).toBe('CA-own');
  });

  it('when the settings of 30 campaigns are asked for at once, then one statement reads them, each caller gets its own, and another tenant\'s campaign is not found', async () => {
    const campaigns = await Promise.all(Array.from({ length: 30 }, (_, i) => campaign(i % 2 ? 'running' : 'paused')));
    const other = await campaign();
    const settings = new CampaignSettings(ctx.ds, 60_000);
    const spy = jest.spyOn(ctx.ds, 'query');
    try {
      const got = await Promise.all([
        ...campaigns.map((c) => settings.get(c.tenantId, c.campaignId)),
        settings.get(campaigns[0]!.tenantId, other.campaignId),
      ]);
      campaigns.forEach((c, i) => {
        expect(got[i]).toMatchObject({ id: c.campaignId, tenantId: c.tenantId, status: i % 2 ? 'running' : 'paused', providerConnectionId: null });
      });
      expect(got[30]).toBeNull();
      // The first read goes alone (nothing was in flight); every other one joins the second.
      expect(spy.mock.calls.length).toBeLessThanOrEqual(2);
      // Cached: asked again, nothing is read.
      await settings.get(campaigns[5]!.tenantId, campaigns[5]!.campaignId);
      expect(spy.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      spy.mockRestore();
    }
  });
});
