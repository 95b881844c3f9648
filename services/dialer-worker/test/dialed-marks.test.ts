import { createTestContext, type TestContext } from '@dialer/testing';
import { DialedMarks } from '../src/dialed-marks';

describe('dialled marks', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('dialedmarks');
  });
  afterAll(async () => ctx.close());

  async function attempts(n: number, status = 'created'): Promise<string[]> {
    const [t] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('t') RETURNING id`);
    const [c] = await ctx.ds.query(`INSERT INTO campaigns (tenant_id, name, status) VALUES ($1, 'c', 'running') RETURNING id`, [t.id]);
    const rows: Array<{ id: string }> = await ctx.ds.query(
      `WITH l AS (
         INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, attempts)
         SELECT $1, $2, '+1415555' || lpad(g::text, 4, '0'), 'dialing', 1 FROM generate_series(1, $3) g RETURNING id)
       INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, status)
       SELECT $1, $2, l.id, 1, 'twilio', $4 FROM l RETURNING id`, [t.id, c.id, n, status]);
    return rows.map((r) => r.id);
  }

  it('when many dials finish at once, then every attempt gets its own provider call id and is dialled', async () => {
    const ids = await attempts(60);
    const marks = new DialedMarks(ctx.ds);
    await Promise.all(ids.map((id, i) => marks.mark(id, `CA${String(i).padStart(32, '0')}`)));
    const rows: Array<{ id: string; provider_call_id: string; status: string; dialed: boolean }> = await ctx.ds.query(
      `SELECT id, provider_call_id, status, dialed_at IS NOT NULL AS dialed FROM call_attempts WHERE id = ANY($1::uuid[])`, [ids]);
    expect(rows).toHaveLength(60);
    for (const r of rows) {
      expect(r.provider_call_id).toBe(`CA${String(ids.indexOf(r.id)).padStart(32, '0')}`);
      expect(r).toMatchObject({ status: 'queued', dialed: true });
    }
  });

  it('when a webhook moved the attempt on first, then its status is kept', async () => {
    const [id] = await attempts(1, 'ringing');
    await new DialedMarks(ctx.ds).mark(id!, 'CA-ringing-first');
    const [r] = await ctx.ds.query(`SELECT status, provider_call_id FROM call_attempts WHERE id = $1`, [id]);
    expect(r).toEqual({ status: 'ringing', provider_call_id: 'CA-ringing-first' });
  });

  it('when the write fails, then each waiting caller gets the error and later marks still go through', async () => {
    const ids = await attempts(2);
    await ctx.ds.query(`UPDATE call_attempts SET provider_call_id = 'CA-taken' WHERE id = $1`, [ids[0]]);
    const marks = new DialedMarks(ctx.ds);
    // The same provider call id for a second attempt breaks the unique index: the whole batch fails.
    await expect(marks.mark(ids[1]!, 'CA-taken')).rejects.toThrow(/unique|duplicate/i);
    await marks.mark(ids[1]!, 'CA-own');
    const [r] = await ctx.ds.query(`SELECT provider_call_id FROM call_attempts WHERE id = $1`, [ids[1]]);
    expect(r.provider_call_id).toBe('CA-own');
  });
});
