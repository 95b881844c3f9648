/**
 * The dashboard in a real browser (Debian's Chromium via playwright-core) against the whole stack as
 * processes, provider-sim as the telephony provider: a manager signs in, creates a campaign through
 * the wizard from a CSV that needs a mapping change and has bad rows, starts it and watches it reach
 * 100 %, opens a call and sets a disposition, pauses and resumes a second campaign, downloads the
 * error report; a viewer sees no write control and a forged write gets 403; another tenant's
 * campaign is "not found". axe-core checks every screen; each screen is screenshotted at 1280×800.
 */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import axios, { type AxiosInstance } from 'axios';
import type { Browser, Page } from 'playwright-core';
import {
  createTestContext, eventually, startStack, testPhones, zoneWhereLocalHourIs, type Stack, type TestContext,
} from '@dialer/testing';
import { createTenant, createUser, type CreatedTenant } from '@dialer/campaign-api';
import { accessibilityProblems, ensureDashboardBuilt, launchChromium, newSession, screenshot } from './browser-harness';

jest.setTimeout(300_000);

const PASSWORD = 'a long enough password';
const LEADS = 24;

describe('the dashboard in Chromium, against the whole stack', () => {
  let ctx: TestContext;
  let stack: Stack;
  let browser: Browser;
  let base: string;
  let tenant: CreatedTenant;
  let other: CreatedTenant;
  let api: AxiosInstance;
  let connectionId: string;
  let created: { id: string } | undefined;
  const zone = zoneWhereLocalHourIs(12);
  const screens: Array<{ name: string; problems: unknown[] }> = [];

  /** axe on the screen as it is now, and its screenshot; problems are asserted together at the end. */
  const check = async (page: Page, name: string): Promise<void> => {
    await page.waitForLoadState('networkidle').catch(() => undefined);
    screens.push({ name, problems: await accessibilityProblems(page) });
    await screenshot(page, name);
  };

  const signIn = async (page: Page, email: string): Promise<void> => {
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor();
  };

  beforeAll(async () => {
    ensureDashboardBuilt();
    ctx = await createTestContext('browser');
    stack = await startStack({
      env: { ...ctx.env, FEEDER_INTERVAL_MS: '200' },
      serviceEnv: {
        'provider-sim': { SIM_TIME_SCALE: '0.02', SIM_OUTCOMES: 'completed:0.6,busy:0.2,no-answer:0.2', SIM_SEED: '5' },
      },
    });
    base = stack.urls['campaign-api'];
    tenant = await createTenant(ctx.ds, 'Browser Realty');
    other = await createTenant(ctx.ds, 'Someone Else');
    await createUser(ctx.ds, { tenantId: tenant.tenantId, email: 'manager@browser.example', role: 'manager', password: PASSWORD, name: 'Mia Manager' });
    await createUser(ctx.ds, { tenantId: tenant.tenantId, email: 'viewer@browser.example', role: 'viewer', password: PASSWORD });
    await createUser(ctx.ds, { tenantId: tenant.tenantId, email: 'admin@browser.example', role: 'admin', password: PASSWORD });
    api = axios.create({ baseURL: `${base}/v1`, headers: { Authorization: `Bearer ${tenant.apiKey}` }, validateStatus: () => true });
    const conn = await api.post('/provider-connections', {
      name: 'provider-sim', type: 'twilio', baseUrl: stack.urls['provider-sim'], accountSid: 'AC0123456789abcdef', authToken: 'sim-token', fromNumber: '+14155550100',
    });
    expect(conn.status).toBe(201);
    connectionId = conn.data.id;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await ctx?.close();
  });

  it('when a manager creates a campaign in the wizard from a CSV needing a mapping change, then it runs to 100 % and the page shows the API\'s figures', async () => {
    const { context, page, errors } = await newSession(browser, base);
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await check(page, 'sign-in');
    await signIn(page, 'manager@browser.example');
    await check(page, 'campaigns-empty');

    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByRole('heading', { level: 1, name: 'New campaign' }).waitFor();
    await page.getByLabel('Name').fill('Buyers from the spring fair');
    await page.getByLabel('Provider connection').selectOption(connectionId);
    await check(page, 'wizard-details');
    await page.getByRole('button', { name: 'Next' }).click();

    // Columns the importer does not recognise by name: the mapping must be set by hand. Two bad rows.
    const phones = testPhones(LEADS, 3);
    const csv = ['Cell;Given;Where;plan', ...phones.map((p, i) => `${p};Lead ${i};${zone};gold`), 'not-a-phone;Bad;;', '12;Short;;'].join('\n');
    await page.locator('input[type=file]').setInputFiles({ name: 'fair.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    // The server's preview suggests nothing for these names: map them by hand, then check the mapping.
    await page.getByLabel('Cell', { exact: true }).selectOption('phone');
    await page.getByLabel('Where', { exact: true }).selectOption('timezone');
    await page.getByRole('button', { name: 'Check the mapping' }).click();
    await check(page, 'wizard-leads');
    await page.getByRole('button', { name: 'Next' }).click();

    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) {
      await page.getByLabel(`Call on ${day}`).check();
    }
    // One attempt per lead: the campaign ends after one call each (the default retries wait 15 minutes and more).
    await page.getByLabel('Max attempts per lead').fill('1');
    await page.getByLabel('Max concurrent calls').fill('4');
    await check(page, 'wizard-rules');
    await page.getByRole('button', { name: 'Next' }).click();
    await check(page, 'wizard-schedule');
    await page.getByRole('button', { name: 'Next' }).click();
    await check(page, 'wizard-review');
    await page.getByRole('button', { name: 'Create and start' }).click();
    await page.getByRole('link', { name: 'Open the campaign' }).click();

    await page.getByRole('progressbar', { name: 'Campaign progress' }).waitFor();
    const id = /\/campaigns\/([0-9a-f-]{36})/.exec(page.url())?.[1];
    expect(id).toBeDefined();
    created = { id: id! };
    // The bar reaches 100 % live, from the event stream (no reload).
    await screenshot(page, 'campaign-running');
    const bar = page.getByRole('progressbar', { name: 'Campaign progress' });
    await eventually(async () => (await bar.getAttribute('aria-valuenow')) === (await bar.getAttribute('aria-valuemax')), { timeoutMs: 180_000, intervalMs: 250, what: 'the progress bar full' })
      .catch(async (err: unknown) => {
        await screenshot(page, 'campaign-stuck');
        throw new Error(`${(err as Error).message}; the API says ${JSON.stringify((await api.get(`/campaigns/${id!}/stats`)).data)}`);
      });
    await eventually(async () => (await api.get(`/campaigns/${id}`)).data.status === 'completed', { timeoutMs: 60_000, what: 'the campaign to complete' });
    await page.getByText('completed', { exact: true }).first().waitFor();
    await check(page, 'campaign-detail');
    await screenshot(page, 'campaign-page');

    const stats = (await api.get(`/campaigns/${id}/stats`)).data;
    expect(stats.totalLeads).toBe(LEADS);
    const counter = async (name: string) => Number(await page.locator(`[data-counter="${name}"]`).first().getAttribute('data-value'));
    await eventually(async () => (await counter('dialed')) === stats.attempts, { what: 'the dialed counter to equal the API', timeoutMs: 10_000 });
    expect({
      dialed: await counter('dialed'), connected: await counter('connected'), busy: await counter('busy'),
      noAnswer: await counter('no-answer'), failed: await counter('failed'), remaining: await counter('remaining'),
    }).toEqual({
      dialed: stats.attempts, connected: stats.connected, busy: stats.busy, noAnswer: stats.noAnswer, failed: stats.failed,
      remaining: stats.totalLeads - stats.completed,
    });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('when a call is opened, then a disposition can be set and the API has it; the error report downloads with the bad rows', async () => {
    expect(created).toBeDefined();
    const { context, page, errors } = await newSession(browser, base);
    await signIn(page, 'manager@browser.example');
    await page.goto(`/campaigns/${created!.id}`);
    await page.getByRole('tab', { name: /Calls/ }).click();
    await page.getByRole('button', { name: /^Open call/ }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await check(page, 'call-dialog');
    await dialog.getByRole('combobox', { name: 'Disposition' }).fill('callback_requested');
    await dialog.getByLabel('Lead is qualified').check();
    await dialog.getByLabel('Note').fill('call back after 5 pm');
    await dialog.getByRole('button', { name: 'Save disposition' }).click();
    await dialog.getByText('Disposition saved.').waitFor();
    const saved = await eventually(async () => {
      const calls = (await api.get(`/campaigns/${created!.id}/calls?limit=200`)).data.data as Array<{ id: string }>;
      for (const { id: cid } of calls) {
        const c = (await api.get(`/call-attempts/${cid}`)).data;
        if (c.manualDisposition?.disposition === 'callback_requested') return c;
      }
      return undefined;
    }, { what: 'the disposition to be saved', timeoutMs: 10_000 });
    await eventually(async () => (await api.get(`/campaigns/${created!.id}/stats`)).data.qualified === 1, { what: 'the lead counted as qualified' });
    expect(saved.manualDisposition.note).toBe('call back after 5 pm');
    await page.keyboard.press('Escape');

    await page.getByRole('tab', { name: /Imports/ }).click();
    await check(page, 'campaign-imports');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /error report/i }).first().click()]);
    const report = readFileSync((await download.path())!, 'utf8');
    expect(report).toContain('not-a-phone');
    expect(report.split(/\r?\n/).filter(Boolean).length).toBeGreaterThanOrEqual(3); // header + 2 bad rows
    expect(errors).toEqual([]);
    await context.close();
  });

  it('when a running campaign waits for calling hours, then the page says why in words, and it can be paused and resumed', async () => {
    const todayName = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', weekday: 'short' }).format(new Date());
    const today = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(todayName) + 1;
    const c = (await api.post('/campaigns', {
      name: 'Weekend only', providerConnectionId: connectionId, defaultTimezone: 'America/Los_Angeles',
      callingWindow: { start: '10:00', end: '16:00', days: [(today % 7) + 1] },
    })).data;
    expect((await api.post(`/campaigns/${c.id}/leads`, { leads: [{ phone: '+12135550123', timezone: 'America/Los_Angeles' }] })).status).toBe(201);
    expect((await api.post(`/campaigns/${c.id}/start`)).status).toBe(200);

    const { context, page, errors } = await newSession(browser, base);
    await signIn(page, 'manager@browser.example');
    await check(page, 'campaigns-list');
    await page.getByRole('link', { name: 'Weekend only' }).click();
    await page.getByRole('status', { name: 'Dialing status' }).filter({ hasText: /Waiting for calling hours: next leads callable at .*America\/Los_Angeles/ }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Pause' }).click();
    await eventually(async () => (await api.get(`/campaigns/${c.id}`)).data.status === 'paused', { what: 'paused' });
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await eventually(async () => (await api.get(`/campaigns/${c.id}`)).data.status === 'running', { what: 'running again' });
    await page.getByRole('button', { name: 'Pause' }).waitFor();

    // Settings: what may change while running, saved with the campaign's version (If-Match).
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByLabel('Max concurrent calls').fill('7');
    await check(page, 'campaign-settings');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(async () => (await api.get(`/campaigns/${c.id}`)).data.maxConcurrentCalls === 7, { what: 'the new limit saved' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('when a viewer signs in, then no write control shows, and a write forged from the viewer\'s session gets 403 and changes nothing', async () => {
    const { context, page, errors } = await newSession(browser, base);
    await signIn(page, 'viewer@browser.example');
    await page.getByRole('link', { name: 'Buyers from the spring fair' }).click();
    await page.getByRole('progressbar', { name: 'Campaign progress' }).waitFor();
    await check(page, 'campaign-detail-viewer');
    for (const name of ['Start', 'Pause', 'Resume', 'Stop', 'Clone', 'Delete']) {
      expect({ name, count: await page.getByRole('button', { name, exact: true }).count() }).toEqual({ name, count: 0 });
    }
    await page.goto('/campaigns');
    await page.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor();
    expect(await page.getByRole('link', { name: 'New campaign' }).count()).toBe(0);

    const before = (await api.get('/campaigns?limit=200')).data.data.length;
    const forged = await page.evaluate(async (campaignId) => {
      const session = await (await fetch('/v1/auth/session')).json() as { csrfToken: string };
      const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken };
      const create = await fetch('/v1/campaigns', { method: 'POST', headers, body: JSON.stringify({ name: 'forged' }) });
      const stop = await fetch(`/v1/campaigns/${campaignId}/stop`, { method: 'POST', headers });
      const body = await create.json() as { error: { code: string } };
      return [create.status, body.error.code, stop.status];
    }, created!.id);
    expect(forged).toEqual([403, 'forbidden', 403]);
    expect((await api.get('/campaigns?limit=200')).data.data.length).toBe(before);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('when a page of another site posts a form to the API with the user\'s cookie, then nothing changes (CSRF)', async () => {
    const { context, page } = await newSession(browser, base);
    await signIn(page, 'manager@browser.example');
    const before = (await api.get('/campaigns?limit=200')).data.data.length;
    // Another origin (another port of the same host: the same site, so SameSite=Lax sends the cookie).
    const evil: Server = createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end(`<!doctype html><html lang="en"><title>win a prize</title><body>
        <form id="f" method="POST" action="${base}/v1/campaigns" enctype="text/plain"><input name='{"name":"forged","x":"' value='"}'></form>
        <script>document.getElementById('f').submit()</script></body></html>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const port = (evil.address() as { port: number }).port;
    const answered = page.waitForResponse((r) => r.url() === `${base}/v1/campaigns` && r.request().method() === 'POST');
    await page.goto(`http://127.0.0.1:${port}/`);
    const res = await answered;
    expect(res.status()).toBe(403);
    expect((await api.get('/campaigns?limit=200')).data.data.length).toBe(before);
    await new Promise((resolve) => evil.close(resolve));
    await context.close();
  });

  it('when another tenant\'s campaign URL is opened, then the page says not found', async () => {
    const theirs = await axios.post(`${base}/v1/campaigns`, { name: 'theirs' }, { headers: { Authorization: `Bearer ${other.apiKey}` } });
    const { context, page, errors } = await newSession(browser, base);
    await signIn(page, 'manager@browser.example');
    await page.goto(`/campaigns/${theirs.data.id as string}`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    expect(await page.getByText('theirs').count()).toBe(0);
    await check(page, 'not-found');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('when an admin visits every screen, then axe finds no serious or critical problem on any of them', async () => {
    const { context, page, errors } = await newSession(browser, base);
    await signIn(page, 'admin@browser.example');
    for (const [path, name, heading] of [
      ['/dnc', 'dnc', 'Do not call'], ['/provider-connections', 'provider-connections', 'Provider connections'],
      ['/api-keys', 'api-keys', 'API keys'], ['/users', 'users', 'Users'], ['/audit-log', 'audit-log', 'Audit log'],
      ['/analytics', 'analytics', 'Analytics'], ['/campaigns/new', 'wizard-admin', 'New campaign'],
    ] as const) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await check(page, name);
    }
    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.goto('/accept-invite?token=not-a-real-token-but-long-enough');
    await check(page, 'accept-invite');
    expect(errors).toEqual([]);
    await context.close();
    expect(screens.filter((s) => s.problems.length)).toEqual([]);
    expect(screens.length).toBeGreaterThanOrEqual(8); // this test's own screens; the earlier tests add theirs
  });
});
