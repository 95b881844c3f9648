/**
 * End to end, the real-estate example (docs/lead-schema.md): every service as its own process,
 * provider-sim speaking Vapi, one shared fake clock (noon in India). A campaign with the real-estate
 * lead schema imports the sample CSV plus bad rows and gets exact per-row errors; its valid leads
 * are called with `{{property_type}}` rendered in the first message; a callback the AI's post-call
 * analysis asks for (Vapi `analysis.structuredData.callbackAt`) is placed at the requested time; and
 * erasing one person leaves no trace of their number or email in any table.
 */
import axios, { type AxiosInstance } from 'axios';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { DateTime } from 'luxon';
import { createTestContext, eventually, findPersonalData, REPO_ROOT, startStack, type Stack, type TestContext } from '@dialer/testing';

jest.setTimeout(240_000);

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/real-estate');
const SCHEMA = JSON.parse(readFileSync(path.join(FIXTURE, 'schema.json'), 'utf8')) as Record<string, unknown>;
const SAMPLE = readFileSync(path.join(FIXTURE, 'leads.csv'), 'utf8');
const BAD_ROWS = [
  'Rohan Das,+91 98765 43220,,2bhk,Baner,-5,website,',          // row 11: negative budget
  'Isha Kapoor,+91 98765 43221,,3bhk,Hadapsar,6000000,billboard,', // row 12: unknown source
  'Nikhil Rao,+91 98765 43222,,villa,,9000000,partner,',          // row 13: missing location
].join('\n');
/** The lead whose first call's analysis asks for a callback. */
const CALLBACK_NUMBER = '+919876543210';

interface SimCall {
  sid: string;
  to: string;
  createdAt: string;
  personalization: { firstMessage: string | null; variables: Record<string, unknown> } | null;
}

describe('the real-estate example end to end, every service its own process', () => {
  let ctx: TestContext;
  let stack: Stack;
  let api: AxiosInstance;
  let offsetMs: number;
  let campaignId: string;

  beforeAll(async () => {
    ctx = await createTestContext('e2erealestate');
    // Next Wednesday, 12:00 in Kolkata, for every service (the shared fake clock): India's calling hours are open.
    const noon = DateTime.now().setZone('Asia/Kolkata').plus({ weeks: 1 }).set({ weekday: 3, hour: 12, minute: 0, second: 0, millisecond: 0 });
    offsetMs = noon.toMillis() - Date.now();
    stack = await startStack({
      env: { ...ctx.env, FEEDER_INTERVAL_MS: '200', DIALER_CLOCK_OFFSET_MS: String(offsetMs) },
      serviceEnv: { 'provider-sim': { SIM_TIME_SCALE: '0.02', SIM_OUTCOMES: 'completed:1', SIM_SEED: '16' } },
      workers: 2,
    });
    const created = spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'services/campaign-api/src/cli/create-tenant.ts'), 'Acme Realty', '--country', 'IN'], {
      env: { ...process.env, ...ctx.env }, encoding: 'utf8',
    });
    if (created.status !== 0) throw new Error(`create-tenant failed: ${created.stderr}`);
    const { apiKey } = JSON.parse(created.stdout.trim().split('\n').pop() ?? '{}') as { apiKey: string };
    api = axios.create({ baseURL: `${stack.urls['campaign-api']}/v1`, headers: { Authorization: `Bearer ${apiKey}` }, validateStatus: () => true });
  });

  afterAll(async () => {
    await stack?.stop();
    await ctx?.close();
  });

  it('when the schema\'d campaign imports the sample CSV plus bad rows, then the valid rows become typed leads and each bad row gets its exact error', async () => {
    const token = () => randomBytes(16).toString('hex');
    const conn = await api.post('/provider-connections', {
      name: 'sim vapi', type: 'vapi', baseUrl: stack.urls['provider-sim'], apiKey: token(), assistantId: `asst-${token()}`, phoneNumberId: `pn-${token()}`,
    });
    expect(conn.status).toBe(201);
    const camp = await api.post('/campaigns', {
      name: 'Buyers, March', providerConnectionId: conn.data.id, defaultCountry: 'IN', maxConcurrentCalls: 4, maxAttempts: 2,
      callingWindow: { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5, 6, 7] },
      leadSchema: SCHEMA,
      settings: { firstMessageTemplate: 'Hello {{firstName}}, about the {{property_type}} in {{location}} ({{tags|no tags}})' },
    });
    expect(camp.status).toBe(201);
    campaignId = camp.data.id as string;

    const res = await api.post(`/campaigns/${campaignId}/leads/csv`, `${SAMPLE.trimEnd()}\n${BAD_ROWS}\n`, { headers: { 'Content-Type': 'text/csv' } });
    expect(res.status).toBe(201);
    expect(res.data).toMatchObject({ rowsRead: 13, accepted: 10, rejected: 3, duplicates: 0 });
    expect(res.data.errors).toEqual([
      { row: 11, kind: 'invalid', column: 'budget', value: '-5', reason: 'budget must be greater than 0' },
      { row: 12, kind: 'invalid', column: 'source', value: 'billboard', reason: 'source must be one of website, referral, advertisement, partner' },
      { row: 13, kind: 'invalid', column: 'location', reason: 'location is required' },
    ]);
    const [rahul] = await ctx.ds.query(`SELECT custom FROM leads WHERE campaign_id = $1 AND phone_e164 = $2`, [campaignId, CALLBACK_NUMBER]);
    expect(rahul.custom).toEqual({ property_type: '2BHK', location: 'Bandra West', budget: 7500000, source: 'website', tags: ['investor', 'first-time'] });
  });

  it('when it runs, then every valid lead is called with {{property_type}} rendered, and the callback the analysis asked for is placed at the requested time', async () => {
    // The AI's post-call analysis of the first call to this lead asks for a callback 20 s later (by the shared clock).
    const callbackAt = new Date(Date.now() + offsetMs + 20_000);
    const set = await axios.post(`${stack.urls['provider-sim']}/sim/analysis`, { to: CALLBACK_NUMBER, structuredData: { callbackAt: callbackAt.toISOString() } });
    expect(set.status).toBe(204);
    expect((await api.post(`/campaigns/${campaignId}/start`)).status).toBe(200);

    const stats = await eventually(async () => {
      const s = await api.get(`/campaigns/${campaignId}/stats`);
      return s.data.status === 'completed' ? s.data : undefined;
    }, { timeoutMs: 180_000, intervalMs: 500, what: 'the real-estate campaign completed' });
    expect(stats.totalLeads).toBe(10);

    const calls = (await axios.get<SimCall[]>(`${stack.urls['provider-sim']}/sim/calls`)).data;
    const leads: Array<{ phone_e164: string; first_name: string; custom: Record<string, unknown> }> = await ctx.ds.query(
      `SELECT phone_e164, first_name, custom FROM leads WHERE campaign_id = $1`, [campaignId]);
    expect(new Set(calls.map((c) => c.to))).toEqual(new Set(leads.map((l) => l.phone_e164)));
    for (const c of calls) {
      const lead = leads.find((l) => l.phone_e164 === c.to)!;
      // provider-sim's recorded request carries the rendered first message and the typed values as variables.
      expect(c.personalization?.firstMessage).toContain(`about the ${lead.custom.property_type as string} in ${lead.custom.location as string}`);
      expect(c.personalization?.variables.property_type).toBe(lead.custom.property_type);
    }
    const rahul = calls.find((c) => c.to === CALLBACK_NUMBER && c.personalization?.firstMessage?.startsWith('Hello Rahul'));
    expect(rahul?.personalization?.firstMessage).toBe('Hello Rahul, about the 2BHK in Bandra West (investor, first-time)');

    // The callback: the lead was called a second time, not before the requested moment of the shared clock.
    const toRahul = calls.filter((c) => c.to === CALLBACK_NUMBER).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    expect(toRahul).toHaveLength(2);
    expect(new Date(toRahul[1]!.createdAt).getTime() + offsetMs).toBeGreaterThanOrEqual(callbackAt.getTime());
    const [cb] = await ctx.ds.query(`SELECT status, requested_at, due_at FROM callbacks WHERE campaign_id = $1`, [campaignId]);
    expect(cb).toMatchObject({ status: 'dialled' });
    expect(new Date(cb.due_at).getTime()).toBe(callbackAt.getTime());
    // Every other lead was called once.
    expect(calls.length).toBe(11);
  });

  it('when Rahul asks to be forgotten, then no column of any table holds his number or email, and his number is refused from then on', async () => {
    const rahul = { e164: CALLBACK_NUMBER, national: '9876543210', email: 'rahul.sharma@example.com' };
    // Before: his number and email are stored (the scan can see them).
    const before = await findPersonalData(ctx, rahul);
    expect(before.columnsScanned).toBeGreaterThan(50);
    expect(before.found).toEqual(expect.arrayContaining([expect.stringMatching(/^leads\.phone_e164: 1$/), expect.stringMatching(/^leads\.email: 1$/)]));

    const erased = await api.post('/erasures', { phone: '098765 43210', email: 'Rahul.Sharma@example.com', doNotCall: true });
    expect(erased.status).toBe(201);
    expect(erased.data).toMatchObject({ dncHashed: true, counts: expect.objectContaining({ leads: 1, call_attempts: 2, callbacks: 1 }) });
    expect(JSON.stringify(erased.data)).not.toContain(rahul.national);

    // After: nothing anywhere (tables added later are covered by the generic scan) …
    expect((await findPersonalData(ctx, rahul)).found).toEqual([]);
    // … the audit says an erasure happened, without him in it …
    const audit = await api.get('/audit-log', { params: { action: 'erasure.create' } });
    expect(audit.status).toBe(200);
    expect(audit.data.data).toHaveLength(1);
    expect(JSON.stringify(audit.data)).not.toMatch(/9876543210|rahul/i);
    // … the other leads and the campaign's call counts are untouched, and his number is refused again.
    const stats = (await api.get(`/campaigns/${campaignId}/stats`)).data;
    expect(stats.callsEnded).toBe(11);
    // (The campaign has completed and takes no more leads: the tenant's DNC check answers for imports and dials.)
    const check = await api.post('/dnc/check', { phones: ['+91 98765 43210'] });
    expect(check.status).toBe(200);
    expect(check.data.data[0].dnc).toBe(true);
  });
});
