/**
 * Erasure end to end ("erased means gone"): every service its own process, provider-sim speaking
 * Vapi. A person is called in two campaigns (their number written in different formats), appears in
 * a third by email and in custom fields, has a callback, a disposition note, an idempotent create,
 * an import with an error row and a stored upload holding the number, and an audit trail. After
 * POST /v1/erasures no column of any table of the schema (found generically through
 * information_schema, so tables added later are covered) holds the number or the email, the upload
 * on disk is gone, the number stays on the DNC list only as a hash, and that hash refuses the number
 * at import and at dial time. No service printed the number or the email.
 */
import axios, { type AxiosInstance } from 'axios';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createTestContext, eventually, findPersonalData, REPO_ROOT, startStack, testPhones, zoneWhereLocalHourIs, type Stack, type TestContext } from '@dialer/testing';

jest.setTimeout(240_000);

const E164 = '+14155552671';
const NATIONAL = '4155552671';
const EMAIL = 'ada.lovelace@example.com';

/** Every column of the schema holding the person (generic: tables added later are covered). */
async function findPerson(ctx: TestContext): Promise<string[]> {
  const { found, columnsScanned } = await findPersonalData(ctx, { e164: E164, national: NATIONAL, email: EMAIL });
  expect(columnsScanned).toBeGreaterThan(50);
  return found;
}

describe('erasure of a person, every service its own process', () => {
  let ctx: TestContext;
  let stack: Stack;
  let api: AxiosInstance;
  let importDir: string;

  beforeAll(async () => {
    ctx = await createTestContext('erasure');
    importDir = mkdtempSync(path.join(tmpdir(), 'erasure-imports-'));
    stack = await startStack({
      env: { ...ctx.env, FEEDER_INTERVAL_MS: '200' },
      serviceEnv: {
        'provider-sim': { SIM_TIME_SCALE: '0.02', SIM_OUTCOMES: 'completed:1', SIM_SEED: '5' },
        'campaign-api': { IMPORT_DIR: importDir },
      },
      workers: 1,
    });
    const created = spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'services/campaign-api/src/cli/create-tenant.ts'), 'erasure tenant'], {
      env: { ...process.env, ...ctx.env }, encoding: 'utf8',
    });
    if (created.status !== 0) throw new Error(`create-tenant failed: ${created.stderr}`);
    const { apiKey } = JSON.parse(created.stdout.trim().split('\n').pop() ?? '{}') as { apiKey: string };
    api = axios.create({ baseURL: `${stack.urls['campaign-api']}/v1`, headers: { Authorization: `Bearer ${apiKey}` }, validateStatus: () => true });
  });

  afterAll(async () => {
    await stack?.stop();
    await ctx?.close();
    if (importDir) rmSync(importDir, { recursive: true, force: true });
  });

  it('when a person is erased, then no table, upload or log holds their number or email, and the kept hash still refuses the number at import and dial time', async () => {
    const token = (): string => randomBytes(12).toString('hex');
    const conn = await api.post('/provider-connections', {
      name: 'sim vapi', type: 'vapi', baseUrl: stack.urls['provider-sim'], apiKey: token(), assistantId: `asst-${token()}`, phoneNumberId: `pn-${token()}`,
    });
    expect(conn.status).toBe(201);
    const zone = zoneWhereLocalHourIs(12);
    const campaign = async (name: string): Promise<string> => {
      const c = await api.post('/campaigns', {
        name, providerConnectionId: conn.data.id, maxConcurrentCalls: 4, maxAttempts: 1, defaultTimezone: zone, defaultCountry: 'US',
        callingWindow: { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5, 6, 7] },
      });
      expect(c.status).toBe(201);
      return c.data.id as string;
    };
    const others = testPhones(6, 3);
    const a = await campaign('spring');
    const b = await campaign('autumn');
    const c = await campaign('by email');
    const d = await campaign('draft with callback');

    // The person: E.164 with an email and custom fields in A, a national format in B, only the email in C.
    const added = await api.post(`/campaigns/${a}/leads`, { leads: [
      { phone: '+1 (415) 555-2671', firstName: 'Ada', lastName: 'Lovelace', email: 'Ada.Lovelace@Example.com', timezone: zone,
        custom: { alt_email: EMAIL, note: 'call 415-555-2671 after 5' } },
      { phone: others[0], firstName: 'Bo', timezone: zone },
    ] });
    expect(added.status).toBe(201);
    expect(added.data.accepted).toBe(2);
    expect((await api.post(`/campaigns/${b}/leads`, { leads: [{ phone: '415.555.2671', firstName: 'Ada', timezone: zone }, { phone: others[1], timezone: zone }] },
      { headers: { 'Idempotency-Key': `erasure-${token()}` } })).status).toBe(201);
    expect((await api.post(`/campaigns/${c}/leads`, { leads: [{ phone: others[2], email: EMAIL, timezone: zone }] })).data.accepted).toBe(1);

    for (const id of [a, b, c]) expect((await api.post(`/campaigns/${id}/start`)).status).toBe(200);
    for (const id of [a, b, c]) {
      await eventually(async () => (await api.get(`/campaigns/${id}/stats`)).data.status === 'completed', { timeoutMs: 120_000, intervalMs: 500, what: 'campaign completion' });
    }
    const statsBefore = (await api.get(`/campaigns/${a}/stats`)).data;
    const [calls] = await ctx.ds.query(`SELECT count(*)::int AS n FROM call_attempts a JOIN leads l ON l.id = a.lead_id WHERE l.phone_e164 = $1`, [E164]);
    expect(calls.n).toBe(2);

    // A disposition note naming the person, and an edit of their lead (audit snapshots before/after).
    const [attempt] = await ctx.ds.query(`SELECT a.id, l.id AS lead_id FROM call_attempts a JOIN leads l ON l.id = a.lead_id WHERE l.campaign_id = $1 AND l.phone_e164 = $2`, [a, E164]);
    expect((await api.post(`/call-attempts/${attempt.id}/disposition`, { disposition: 'interested', note: `Ada (${EMAIL}) wants a call on 415 555 2671` })).status).toBe(200);
    expect((await api.patch(`/leads/${attempt.lead_id}`, { lastName: 'Byron' })).status).toBe(200);

    // A lead with a callback in a draft campaign, and an import into it with an error row holding the number.
    const csv = `phone,first_name,email,budget\n(415) 555-2671,Ada,${EMAIL},100\n415-555-2671,Ada again,,200\nnot a phone,Nobody,,300\n${others[3]},Cy,,400\n`;
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'leads.csv');
    const upload = await api.post(`/campaigns/${d}/imports`, form);
    expect(upload.status).toBe(202);
    const imported = await eventually(async () => {
      const j = await api.get(`/imports/${upload.data.id as string}`);
      return j.data.status === 'completed' ? j.data : undefined;
    }, { what: 'import completion' });
    expect(imported.accepted).toBe(2);
    const [errRow] = await ctx.ds.query(`SELECT count(*)::int AS n FROM import_errors WHERE import_id = $1 AND value = '415-555-2671'`, [upload.data.id]);
    expect(errRow.n).toBe(1);
    const [draftLead] = await ctx.ds.query(`SELECT id FROM leads WHERE campaign_id = $1 AND phone_e164 = $2`, [d, E164]);
    const callback = await api.post(`/leads/${draftLead.id as string}/callback`, { callbackAt: new Date(Date.now() + 2 * 86_400_000).toISOString() });
    expect(callback.status).toBe(201);

    // A failed import keeps its upload on disk (to be resumed): one holding the person.
    const stored = path.join(importDir, `kept-${token()}.csv`);
    writeFileSync(stored, `phone,first_name\n+1 415 555 2671,Ada\n${others[4]},Di\n`);
    await ctx.ds.query(`INSERT INTO import_jobs (tenant_id, campaign_id, status, filename, file_path, error) SELECT tenant_id, id, 'failed', 'kept.csv', $2, 'interrupted' FROM campaigns WHERE id = $1`, [d, stored]);

    // Before: the person is in many tables.
    const before = await findPerson(ctx);
    for (const t of ['leads.phone_e164', 'leads.email', 'leads.custom', 'call_attempts.manual_note', 'webhook_events.payload', 'import_errors.value', 'audit_log.before']) {
      expect({ t, found: before.some((f) => f.startsWith(`${t}:`)), before }).toMatchObject({ t, found: true });
    }

    // The erasure: a manager may not (nothing changes); an admin erases, the person asked not to be called.
    const manager = await api.post('/api-keys', { name: 'manager', role: 'manager' });
    expect(manager.status).toBe(201);
    const refusedByRole = await api.post('/erasures', { phone: E164 }, { headers: { Authorization: `Bearer ${manager.data.apiKey as string}` } });
    expect(refusedByRole.status).toBe(403);
    expect(await findPerson(ctx)).toEqual(before);
    const erased = await api.post('/erasures', { phone: '(415) 555-2671', email: 'ADA.LOVELACE@example.com', doNotCall: true });
    expect(erased.status).toBe(201);
    expect(erased.data.dncHashed).toBe(true);
    expect(erased.data.counts).toMatchObject({ leads: 4, call_attempts: 3, callbacks: 1, import_files: 1 });
    expect(erased.data.remaining).toEqual({});
    expect(JSON.stringify(erased.data)).not.toContain(NATIONAL);

    // After: no column of any table holds the number or the email; the upload is gone.
    expect(await findPerson(ctx)).toEqual([]);
    expect(existsSync(stored)).toBe(false);
    for (const f of readdirSync(importDir)) expect(readFileSync(path.join(importDir, f), 'utf8')).not.toContain(NATIONAL);

    // The number stays on the list as a hash only; the erasure is audited without personal data.
    const dnc: Array<{ phone_e164: string; source: string }> = await ctx.ds.query(`SELECT phone_e164, source FROM dnc_entries`);
    expect(dnc).toEqual([{ phone_e164: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), source: 'erasure' }]);
    const audit = await api.get('/audit-log', { params: { action: 'erasure.create' } });
    expect(audit.status).toBe(200);
    expect(audit.data.data).toHaveLength(1);
    expect(audit.data.data[0].entityId).toBe(erased.data.id);
    expect((await api.get('/erasures')).data.data[0].id).toBe(erased.data.id);

    // Stats are folded counters: the calls of the erased person still count.
    const statsAfter = (await api.get(`/campaigns/${a}/stats`)).data;
    expect(statsAfter.callsEnded).toBe(statsBefore.callsEnded);

    // The hash refuses the number at import (any format) …
    const again = await api.post(`/campaigns/${d}/leads`, { leads: [{ phone: '415 555 2671' }] });
    expect(again.status).toBe(201);
    expect(again.data.accepted).toBe(0);
    expect(again.data.dncSuppressed).toBe(1);
    const check = await api.post('/dnc/check', { phones: ['(415) 555-2671'] });
    expect(check.data.data[0].dnc).toBe(true);

    // … and at dial time: a lead of the number that got in without the import's scrub is not called.
    const simCallsTo = async (): Promise<number> => (await axios.get<Array<{ to: string }>>(`${stack.urls['provider-sim']}/sim/calls`)).data.filter((x) => x.to === E164).length;
    const callsBefore = await simCallsTo();
    const e = await campaign('after erasure');
    expect((await api.post(`/campaigns/${e}/leads`, { leads: [{ phone: others[5], timezone: zone }] })).data.accepted).toBe(1);
    await ctx.ds.query(`INSERT INTO leads (tenant_id, campaign_id, phone_e164, timezones) SELECT tenant_id, id, $2, ARRAY[$3] FROM campaigns WHERE id = $1`, [e, E164, zone]);
    expect((await api.post(`/campaigns/${e}/start`)).status).toBe(200);
    await eventually(async () => (await api.get(`/campaigns/${e}/stats`)).data.status === 'completed', { timeoutMs: 60_000, intervalMs: 500, what: 'campaign completion' });
    const [refused] = await ctx.ds.query(`SELECT status, disposition, attempts FROM leads WHERE campaign_id = $1 AND phone_e164 = $2`, [e, E164]);
    expect(refused).toMatchObject({ status: 'done', disposition: 'dnc' });
    expect(await simCallsTo()).toBe(callsBefore);

    // No service printed the number or the email.
    for (const p of stack.procs.values()) {
      expect(p.output()).not.toContain(NATIONAL);
      expect(p.output().toLowerCase()).not.toContain(EMAIL);
    }
  });
});
