import { applyCallUpdate } from '@dialer/calls';
import { createTestContext, type TestContext } from '@dialer/testing';

describe('applyCallUpdate and the dialing rules', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('attemptrules');
  });
  afterAll(async () => ctx.close());

  async function seed(phone: string, opts: { policy?: object; window?: object; zone?: string } = {}) {
    const [t] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('t') RETURNING id`);
    const [c] = await ctx.ds.query(
      `INSERT INTO campaigns (tenant_id, name, status, max_attempts, retry_policy, default_timezone, calling_window)
       VALUES ($1, 'c', 'running', 5, $2, $3, $4) RETURNING id`,
      [t.id, JSON.stringify(opts.policy ?? {}), opts.zone ?? 'America/New_York', JSON.stringify(opts.window ?? { start: '00:00', end: '24:00' })]);
    const [l] = await ctx.ds.query(
      `INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, attempts) VALUES ($1, $2, $3, 'dialing', 1) RETURNING id`, [t.id, c.id, phone]);
    const [a] = await ctx.ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, status) VALUES ($1, $2, $3, 1, 'twilio', 'in_progress') RETURNING id`,
      [t.id, c.id, l.id]);
    return { tenantId: t.id as string, leadId: l.id as string, attemptId: a.id as string };
  }

  it('when the callee opts out, then the lead ends opted_out, is never retried, and the number goes onto the tenant\'s DNC list', async () => {
    const s = await seed('+447911123001', { policy: { opted_out: { enabled: true, delaySeconds: 1 } } });
    const r = await applyCallUpdate(ctx.ds, s.attemptId, { status: 'completed', rawStatus: 'completed', outcome: 'opted_out' });
    expect(r).toMatchObject({ applied: true, terminal: true, lead: { final: true, disposition: 'opted_out' } });
    const dnc = await ctx.ds.query(`SELECT campaign_id, source FROM dnc_entries WHERE tenant_id = $1 AND phone_e164 = '+447911123001'`, [s.tenantId]);
    expect(dnc).toEqual([{ campaign_id: null, source: 'opt_out' }]);
  });

  it('when a person answered, then the lead is final even with retries on for answered', async () => {
    const s = await seed('+447911123002', { policy: { answered: { enabled: true, delaySeconds: 1 } } });
    const r = await applyCallUpdate(ctx.ds, s.attemptId, { status: 'completed', rawStatus: 'completed', outcome: 'answered' });
    expect(r).toMatchObject({ lead: { final: true, disposition: 'answered' } });
  });

  it('when a Florida number is busy late in the evening, then the retry lands at the next opening of Florida\'s floor, not after the bare delay', async () => {
    // 2026-03-04 19:55 in New York (00:55Z next day); Florida allows 08:00–20:00, the campaign all day.
    const s = await seed('+13055550123', { policy: { busy: { enabled: true, delaySeconds: 600 } } });
    const at = new Date('2026-03-05T00:55:00Z');
    const r = await applyCallUpdate(ctx.ds, s.attemptId, { status: 'busy', rawStatus: 'busy', outcome: 'busy', at });
    expect(r).toMatchObject({ lead: { final: false, nextAttemptAt: new Date('2026-03-05T13:00:00Z') } });
  });

  it('when each retryable outcome has its own rule, then each waits its own delay within the window', async () => {
    const at = new Date('2026-03-04T15:00:00Z');
    const policy = {
      busy: { enabled: true, delaySeconds: 60 }, no_answer: { enabled: true, delaySeconds: 120 }, voicemail: { enabled: true, delaySeconds: 180 },
      failed: { enabled: true, delaySeconds: 240 }, provider_error: { enabled: true, delaySeconds: 300 }, canceled: { enabled: true, delaySeconds: 360 },
    };
    for (const [outcome, rule] of Object.entries(policy)) {
      const s = await seed(`+4479111240${String(Object.keys(policy).indexOf(outcome))}`, { policy, zone: 'UTC' });
      const r = await applyCallUpdate(ctx.ds, s.attemptId, { status: 'failed', rawStatus: outcome, outcome: outcome as never, at });
      expect(r).toMatchObject({ lead: { final: false, disposition: outcome, nextAttemptAt: new Date(at.getTime() + rule.delaySeconds * 1000) } });
    }
  });
});
