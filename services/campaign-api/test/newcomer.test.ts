import { createCampaign, startApi, type Api } from './helpers';

/** Issue 13: the traps a new user fell into, each reproduced. */
describe('a newcomer sees what the dialer assumes', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi('newcomer');
  });
  afterAll(async () => {
    await api?.close();
  });

  const csvImport = (campaignId: string, csv: string) =>
    api.http.post(`/v1/campaigns/${campaignId}/leads/csv`).set(api.auth()).set('Content-Type', 'text/csv').send(csv);

  const preview = (campaignId: string, csv: string) =>
    api.http.post(`/v1/campaigns/${campaignId}/imports?preview=true`).set(api.auth()).attach('file', Buffer.from(csv), 'leads.csv');

  describe('no silent country', () => {
    it('when the tenant is read, then its default country is shown; when an admin changes it, then a new campaign inherits it', async () => {
      const t = await api.http.get('/v1/tenant').set(api.auth());
      expect(t.status).toBe(200);
      expect(t.body).toMatchObject({ id: api.tenant.tenantId, defaultCountry: 'US' });
      const bad = await api.http.patch('/v1/tenant').set(api.auth()).send({ defaultCountry: 'XX' });
      expect(bad.status).toBe(400);
      const changed = await api.http.patch('/v1/tenant').set(api.auth()).send({ defaultCountry: 'in' });
      expect(changed.status).toBe(200);
      expect(changed.body.defaultCountry).toBe('IN');
      try {
        const inherited = await createCampaign(api, { name: 'inherits' });
        expect(inherited.defaultCountry).toBe('IN');
        const own = await createCampaign(api, { name: 'own', defaultCountry: 'GB' });
        expect(own.defaultCountry).toBe('GB');
      } finally {
        await api.http.patch('/v1/tenant').set(api.auth()).send({ defaultCountry: 'US' });
      }
    });

    it('when a manager tries to change the tenant country, then it is refused', async () => {
      const key = await api.http.post('/v1/api-keys').set(api.auth()).send({ name: 'm', role: 'manager' });
      const r = await api.http.patch('/v1/tenant').set(api.auth(key.body.apiKey as string)).send({ defaultCountry: 'IN' });
      expect(r.status).toBe(403);
    });

    it('when an Indian number without +91 is imported into a US campaign, then the result names the assumed country, counts per country, and every phone error names the country', async () => {
      const c = await createCampaign(api, { name: 'silent-us' });
      const csv = 'phone,first_name\n9123456789,Asha\n98765 43210,Ravi\n+91 98765 43211,Meera\n';
      const p = await preview(c.id as string, csv);
      expect(p.status).toBe(200);
      expect(p.body.assumedCountry).toBe('US');
      expect(p.body.countries).toEqual({ US: 1, IN: 1 });
      const r = await csvImport(c.id as string, csv);
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ assumedCountry: 'US', countries: { US: 1, IN: 1 }, accepted: 2, rejected: 1 });
      expect(r.body.errors[0]).toMatchObject({ row: 2, column: 'phone', reason: 'phone is not a valid US number; add the country code or set defaultCountry' });
      const job = await api.http.get(`/v1/imports/${r.body.importId as string}`).set(api.auth());
      expect(job.body).toMatchObject({ assumedCountry: 'US', countries: { US: 1, IN: 1 } });
    });

    it('when the campaign country is IN, then the same national numbers become Indian numbers', async () => {
      const c = await createCampaign(api, { name: 'india', defaultCountry: 'IN' });
      const r = await csvImport(c.id as string, 'phone\n9123456789\n98765 43210\n');
      expect(r.body).toMatchObject({ assumedCountry: 'IN', countries: { IN: 2 }, accepted: 2, rejected: 0 });
      const rows: Array<{ phone_e164: string }> = await api.ctx.ds.query(`SELECT phone_e164 FROM leads WHERE campaign_id = $1 ORDER BY 1`, [c.id]);
      expect(rows.map((x) => x.phone_e164)).toEqual(['+919123456789', '+919876543210']);
    });
  });

  describe('defaultTimezone follows the country', () => {
    it('when a campaign is created with a country and no zone, then its zone is the country\'s (the canonical name), or its most populous one', async () => {
      const india = await createCampaign(api, { name: 'tz-in', defaultCountry: 'IN' });
      expect(india.defaultTimezone).toBe('Asia/Kolkata');
      const gb = await createCampaign(api, { name: 'tz-gb', defaultCountry: 'GB' });
      expect(gb.defaultTimezone).toBe('Europe/London');
      const au = await createCampaign(api, { name: 'tz-au', defaultCountry: 'AU' });
      expect(au.defaultTimezone).toBe('Australia/Sydney');
      const us = await createCampaign(api, { name: 'tz-us' });
      expect(us.defaultTimezone).toBe('America/New_York');
      const given = await createCampaign(api, { name: 'tz-given', defaultCountry: 'IN', defaultTimezone: 'Asia/Dubai' });
      expect(given.defaultTimezone).toBe('Asia/Dubai');
    });

    it('when Indian numbers are imported, then their zones use the canonical name Asia/Kolkata', async () => {
      const c = await createCampaign(api, { name: 'tz-leads', defaultCountry: 'IN' });
      await csvImport(c.id as string, 'phone\n98765 43210\n');
      const rows: Array<{ timezones: string[] }> = await api.ctx.ds.query(`SELECT timezones FROM leads WHERE campaign_id = $1`, [c.id]);
      expect(rows).toEqual([{ timezones: ['Asia/Kolkata'] }]);
    });
  });

  describe('warnings before harm', () => {
    const start = (id: string) => api.http.post(`/v1/campaigns/${id}/start`).set(api.auth());

    it('when the window never overlaps the rule pack, then create warns and start refuses with nothing_callable naming the pack and its hours', async () => {
      const c = await createCampaign(api, { name: 'never', defaultCountry: 'IN', callingWindow: { start: '06:00', end: '07:00' } });
      expect(c.warnings).toEqual([expect.objectContaining({ code: 'nothing_callable' })]);
      const message = c.warnings[0].message as string;
      expect(message).toContain('IN-PROMO rule pack');
      expect(message).toContain('10:00–21:00');
      expect(message).toContain('06:00–07:00');
      await csvImport(c.id as string, 'phone\n98765 43210\n');
      const r = await start(c.id as string);
      expect(r.status).toBe(409);
      expect(r.body.error).toMatchObject({ code: 'nothing_callable', message });
      const fixed = await api.http.patch(`/v1/campaigns/${c.id as string}`).set(api.auth()).send({ callingWindow: { start: '10:00', end: '18:00' } });
      expect(fixed.status).toBe(200);
      expect(fixed.body.warnings).toEqual([]);
      const started = await start(c.id as string);
      expect(started.status).toBe(200);
      expect(started.body).toMatchObject({ status: 'running', warnings: [] });
    });

    it('when a campaign has no leads, then start refuses with no_leads', async () => {
      const c = await createCampaign(api, { name: 'empty' });
      const r = await start(c.id as string);
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('no_leads');
      expect(r.body.error.message).toContain('import');
    });

    it('when a campaign has no leads yet but an import of it is on its way, then it may start (the leads are called as they arrive)', async () => {
      const c = await createCampaign(api, { name: 'importing' });
      await api.ctx.ds.query(`INSERT INTO import_jobs (tenant_id, campaign_id, status, filename, file_path) VALUES ($1, $2, 'pending', 'big.csv', '/nonexistent/big.csv')`,
        [api.tenant.tenantId, c.id]);
      const r = await start(c.id as string);
      expect(r.status).toBe(200);
      expect(r.body.status).toBe('running');
    });

    it('when the window misses the rule pack on some days, then create warns which days', async () => {
      const c = await createCampaign(api, { name: 'some-days', callingWindow: { ranges: { 1: [{ start: '06:00', end: '07:00' }], 2: [{ start: '10:00', end: '12:00' }] } } });
      expect(c.warnings).toEqual([expect.objectContaining({ code: 'closed_some_days' })]);
      expect(c.warnings[0].message).toContain('Mon');
      expect(c.warnings[0].message).toContain('on Mon the campaign');
      expect(c.warnings[0].message).not.toContain('on Mon, Tue');
    });

    it('when leads have numbers of another country than the default, then start warns', async () => {
      const c = await createCampaign(api, { name: 'mixed-countries', defaultCountry: 'IN' });
      await csvImport(c.id as string, 'phone\n98765 43210\n+1 415 555 2671\n');
      const r = await start(c.id as string);
      expect(r.status).toBe(200);
      expect(r.body.warnings).toEqual([expect.objectContaining({ code: 'leads_other_country' })]);
      expect(r.body.warnings[0].message).toContain('US: 1');
    });

    it('when the schedule ends before the window next opens, then update warns', async () => {
      const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
      const c = await createCampaign(api, { name: 'ends-early', callingWindow: { holidays: [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8].map(day) } });
      const r = await api.http.patch(`/v1/campaigns/${c.id as string}`).set(api.auth())
        .send({ scheduledStartAt: new Date(Date.now() + 60_000).toISOString(), scheduledEndAt: new Date(Date.now() + 3_600_000).toISOString() });
      expect(r.status).toBe(200);
      expect(r.body.warnings).toEqual([expect.objectContaining({ code: 'ends_before_opening' })]);
    });

    it('when a lead ended no_window, then its read says why', async () => {
      const c = await createCampaign(api, { name: 'no-window', defaultCountry: 'IN', callingWindow: { start: '06:00', end: '07:00' } });
      await csvImport(c.id as string, 'phone\n98765 43210\n');
      await api.ctx.ds.query(`UPDATE leads SET status = 'done', disposition = 'no_window' WHERE campaign_id = $1`, [c.id]);
      const r = await api.http.get(`/v1/campaigns/${c.id as string}/leads`).set(api.auth());
      expect(r.body.data[0].disposition).toBe('no_window');
      expect(r.body.data[0].dispositionDetail).toContain('IN-PROMO rule pack');
    });
  });

  describe('rows keep what is usable', () => {
    it('when a CSV row has a valid phone and an invalid email, then the lead is kept without the email and the report has a warning line', async () => {
      const c = await createCampaign(api, { name: 'bad-email' });
      const r = await csvImport(c.id as string, 'phone,email\n+1 415 555 2671,not-an-email\n');
      expect(r.body).toMatchObject({ accepted: 1, rejected: 0 });
      expect(r.body.errors).toEqual([
        { row: 1, kind: 'warning', column: 'email', value: 'not-an-email', reason: 'email is not an email address; the lead was kept without it' },
      ]);
      const rows: Array<{ email: string | null }> = await api.ctx.ds.query(`SELECT email FROM leads WHERE campaign_id = $1`, [c.id]);
      expect(rows).toEqual([{ email: null }]);
    });

    it('when a CSV row has several problems, then its report line names all of them', async () => {
      const c = await createCampaign(api, { name: 'many-problems' });
      const r = await csvImport(c.id as string, 'phone,email\n12345,not-an-email\n');
      expect(r.body).toMatchObject({ accepted: 0, rejected: 1 });
      expect(r.body.errors).toEqual([{
        row: 1, kind: 'invalid', column: 'phone, email', value: '12345',
        reason: 'phone is a short code or too short to dial; email is not an email address',
      }]);
    });

    it('when JSON leads have an invalid email or several problems, then the lead is kept with a warning, or every problem is listed', async () => {
      const c = await createCampaign(api, { name: 'json-problems' });
      const r = await api.http.post(`/v1/campaigns/${c.id as string}/leads`).set(api.auth())
        .send({ leads: [{ phone: '+1 415 555 2672', email: 'nope' }, { phone: '12', email: 'nope', firstName: 7 }] });
      expect(r.status).toBe(201);
      expect(r.body.accepted).toBe(1);
      expect(r.body.warnings).toEqual([{ index: 0, field: 'email', value: 'nope', reason: 'email is not an email address; the lead was kept without it' }]);
      expect(r.body.rejected.map((x: { field: string }) => x.field)).toEqual(['phone', 'firstName', 'email']);
    });

    it('when the downloadable template is imported back, then no row is rejected', async () => {
      const t = await api.http.get('/v1/imports/template.csv').set(api.auth()).buffer(true).parse((res, cb) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => cb(null, text));
      });
      expect(t.status).toBe(200);
      const c = await createCampaign(api, { name: 'template' });
      const r = await csvImport(c.id as string, t.body as string);
      expect(r.body).toMatchObject({ rejected: 0, errors: [] });
      expect(r.body.accepted).toBe(r.body.rowsRead);
    });
  });

  describe('calls say who', () => {
    it('when calls are listed or read, then each names the lead and its number, masked for a HIPAA viewer as lead reads are', async () => {
      const viewerKey = await api.http.post('/v1/api-keys').set(api.auth()).send({ name: 'v', role: 'viewer' });
      const viewer = api.auth(viewerKey.body.apiKey as string);
      for (const mode of ['standard', 'hipaa'] as const) {
        const c = await createCampaign(api, { name: `who-${mode}`, complianceMode: mode });
        await api.http.post(`/v1/campaigns/${c.id as string}/leads`).set(api.auth()).send({ leads: [{ phone: '+14155552681', firstName: 'Ada', lastName: 'Lovelace' }] });
        const [lead] = await api.ctx.ds.query(`SELECT id FROM leads WHERE campaign_id = $1`, [c.id]) as Array<{ id: string }>;
        const [a] = await api.ctx.ds.query(`INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider) VALUES ($1, $2, $3, 1, 'twilio') RETURNING id`,
          [api.tenant.tenantId, c.id, lead!.id]) as Array<{ id: string }>;
        const leadRead = (await api.http.get(`/v1/campaigns/${c.id as string}/leads`).set(viewer)).body.data[0];
        const expected = { firstName: leadRead.firstName, lastName: leadRead.lastName, phoneE164: leadRead.phoneE164 };
        expect(expected).toEqual(mode === 'standard'
          ? { firstName: 'Ada', lastName: 'Lovelace', phoneE164: '+14155552681' } : { firstName: null, lastName: null, phoneE164: '+1********81' });
        const list = await api.http.get(`/v1/campaigns/${c.id as string}/calls`).set(viewer);
        expect(list.body.data[0].lead).toEqual(expected);
        const read = await api.http.get(`/v1/call-attempts/${a!.id}`).set(viewer);
        expect(read.body.lead).toEqual(expected);
        const asAdmin = await api.http.get(`/v1/call-attempts/${a!.id}`).set(api.auth());
        expect(asAdmin.body.lead).toEqual({ firstName: 'Ada', lastName: 'Lovelace', phoneE164: '+14155552681' });
      }
    });
  });

  describe('retry defaults visible', () => {
    it('when a campaign is created without a retry policy or with part of one, then it shows the effective policy with the defaults filled in', async () => {
      const c = await createCampaign(api, { name: 'retry-defaults' });
      expect(c.retryPolicy).toMatchObject({
        busy: { enabled: true, delaySeconds: 900 }, no_answer: { enabled: true, delaySeconds: 3600 }, voicemail: { enabled: true, delaySeconds: 14400 },
        answered: { enabled: false, delaySeconds: 0 }, opted_out: { enabled: false, delaySeconds: 0 },
      });
      expect(Object.keys(c.retryPolicy as object).sort()).toEqual(
        ['answered', 'busy', 'canceled', 'failed', 'invalid_number', 'no_answer', 'opted_out', 'provider_error', 'voicemail']);
      const partial = await createCampaign(api, { name: 'retry-partial', retryPolicy: { busy: { enabled: false, delaySeconds: 0 } } });
      const read = await api.http.get(`/v1/campaigns/${partial.id as string}`).set(api.auth());
      expect(read.body.retryPolicy.busy).toEqual({ enabled: false, delaySeconds: 0 });
      expect(read.body.retryPolicy.no_answer).toEqual({ enabled: true, delaySeconds: 3600 });
      const listed = await api.http.get('/v1/campaigns?name=retry-partial').set(api.auth());
      expect(listed.body.data[0].retryPolicy.failed).toEqual({ enabled: true, delaySeconds: 1800 });
    });
  });

  describe('smaller ones', () => {
    it('when a body is invalid, then the message names each field once', async () => {
      const c = await createCampaign(api, { name: 'messages' });
      const r = await api.http.patch(`/v1/campaigns/${c.id as string}`).set(api.auth()).send({ callingWindow: { start: '9:00' }, maxAttempts: 99 });
      expect(r.status).toBe(400);
      const message = r.body.error.message as string;
      expect(message).toContain('callingWindow: start "9:00" is not HH:mm');
      expect(message).toContain('maxAttempts must not be greater than 20');
      expect(message).not.toMatch(/callingWindow: callingWindow|maxAttempts: maxAttempts/);
    });

    it('when a multipart upload is sent to /leads/csv, then the 415 points at the imports route', async () => {
      const c = await createCampaign(api, { name: 'multipart' });
      const r = await api.http.post(`/v1/campaigns/${c.id as string}/leads/csv`).set(api.auth()).attach('file', Buffer.from('phone\n+14155552671\n'), 'leads.csv');
      expect(r.status).toBe(415);
      expect(r.body.error.message).toContain(`send multipart uploads to POST /v1/campaigns/${c.id as string}/imports`);
    });
  });
});
