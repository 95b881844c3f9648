import { VapiClient } from '@vapi-ai/server-sdk';
import twilio from 'twilio';
import { ExotelAdapter, ProviderError, TwilioAdapter, VapiAdapter, type NormalizedCallEvent } from '@dialer/providers';
import { ACCOUNT_SID, AUTH_TOKEN, eventually, startReceiver, startTestSim, type ReceivedHook, type Receiver, type TestSim } from './helpers';

const SECRET = 'vapi-webhook-secret-0123456789';
const ATTEMPT = '6f1c2a4e-1111-4222-8333-944455556666';

describe('provider-sim: Vapi, Exotel and the official clients', () => {
  let t: TestSim;
  let receiver: Receiver;

  beforeAll(async () => {
    t = await startTestSim();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await t.stop();
    await receiver.close();
  });
  beforeEach(async () => {
    await t.api.delete('/sim/calls');
    await t.api.put('/sim/config', {
      outcomes: { completed: 1 }, ringSeconds: 4, talkSeconds: 20, timeScale: 0.01, failCreateRate: 0, rejectCreateRate: 0,
      dropCallbackRate: 0, reorderCallbackRate: 0, createDelayMs: 0, successRate: 1,
    });
    receiver.hooks.length = 0;
  });

  const vapi = () => new VapiAdapter({ apiKey: 'vapi-key', assistantId: 'asst_1', phoneNumberId: 'pn_1', webhookSecret: SECRET, baseUrl: t.baseUrl });
  const exotel = () => new ExotelAdapter({
    accountSid: 'acme1', apiKey: 'key', apiToken: 'token', callerId: '08047112345', agentNumber: '+919900000001', webhookToken: 'tok-abc', baseUrl: t.baseUrl,
  });
  const hooksOf = (id: string): ReceivedHook[] => receiver.hooks.filter((h) => JSON.stringify(h.body).includes(id));
  const asHook = (h: ReceivedHook, params?: Record<string, string>) => ({ url: receiver.fullUrl(h), headers: h.headers, body: h.body, rawBody: h.rawBody, params });

  it("when Vapi's own server SDK creates a call against the sim, then it gets a Call with an id and the server URL receives signed status updates and an end-of-call report", async () => {
    const client = new VapiClient({ token: 'vapi-key', baseUrl: t.baseUrl });
    const created = await client.calls.create({
      assistantId: 'asst_1', phoneNumberId: 'pn_1', customer: { number: '+14155550123' },
      assistantOverrides: { server: { url: receiver.url('/v1/webhooks/vapi/conn-1'), headers: { 'x-vapi-secret': SECRET } } },
    });
    const id = (created as { id: string }).id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await eventually(() => expect(hooksOf(id).map((h) => (h.body as unknown as { message: { type: string; status?: string } }).message.type)).toContain('end-of-call-report'));
    const events = hooksOf(id).map((h) => {
      const adapter = vapi();
      expect(adapter.verifyWebhook(asHook(h))).toBe(true);
      return adapter.parseWebhook(asHook(h));
    });
    expect(events.map((e) => e.eventKey.split(':').slice(1).join(':'))).toEqual(['status-update:ringing', 'status-update:in-progress', 'status-update:ended', 'end-of-call-report']);
    const report = events[3] as NormalizedCallEvent;
    expect(report).toMatchObject({ status: 'completed', outcome: 'answered', analysis: { successEvaluation: 'true', structuredData: { interested: true } } });
    expect(report.recordingUrl).toMatch(/^https:/);
    const fetched = await client.calls.get({ id });
    expect(fetched.status).toBe('ended');
  });

  it('when the VapiAdapter places a call, then the sim records the assistant call, fetchCall maps it and hangup ends it through the control URL', async () => {
    await t.api.put('/sim/config', { ringSeconds: 1_000_000 });
    const adapter = vapi();
    const placed = await adapter.placeCall({
      to: '+14155550124', callAttemptId: ATTEMPT, statusCallbackUrl: receiver.url(`/v1/webhooks/vapi/conn-1?attemptId=${ATTEMPT}`),
      variables: { firstName: 'Ada' }, firstMessage: 'Hi Ada!',
    });
    expect(placed.rawStatus).toBe('queued');
    await eventually(async () => expect((await adapter.fetchCall(placed.providerCallId)).status).toBe('ringing'));
    await adapter.hangup(placed.providerCallId);
    await eventually(async () => expect(await adapter.fetchCall(placed.providerCallId)).toMatchObject({ status: 'canceled', rawStatus: 'manually-canceled' }));
  });

  it('when the VapiAdapter lists the calls to a number since a time, then it gets the calls of its phone number to that number, oldest first, mapped', async () => {
    const adapter = vapi();
    const other = new VapiAdapter({ apiKey: 'vapi-key', assistantId: 'asst_1', phoneNumberId: 'pn_2', webhookSecret: SECRET, baseUrl: t.baseUrl });
    const place = (a: VapiAdapter, to: string) => a.placeCall({ to, callAttemptId: ATTEMPT, statusCallbackUrl: receiver.url('/v1/webhooks/vapi/conn-1') });
    const since = new Date();
    const first = await place(adapter, '+14155550126');
    await new Promise((r) => setTimeout(r, 5));
    const second = await place(adapter, '+14155550126');
    const calls = [first, second, await place(adapter, '+14155550127'), await place(other, '+14155550126')];
    // Every call ends and reports before the next test starts counting its own callbacks.
    const reported = (id: string) => hooksOf(id).some((h) => (h.body as unknown as { message: { type: string } }).message.type === 'end-of-call-report');
    await eventually(() => expect(calls.filter((c) => !reported(c.providerCallId))).toEqual([]));
    const listed = await adapter.findCallsTo('+14155550126', since);
    expect(listed.map((c) => c.providerCallId)).toEqual([first.providerCallId, second.providerCallId]);
    expect(listed[1]).toMatchObject({ status: 'completed', outcome: 'answered' });
    expect(listed[0]!.createdAt.getTime()).toBeGreaterThanOrEqual(since.getTime() - 1_000);
    expect(await adapter.findCallsTo('+14155550126', new Date(Date.now() + 60_000))).toEqual([]);
  });

  it('when the ExotelAdapter connects a call, then the StatusCallback gets the answered and terminal events as JSON, with the CustomField and the token URL', async () => {
    const adapter = exotel();
    const url = adapter.statusCallbackUrl(receiver.url(''), 'conn-2', ATTEMPT);
    expect(url).toContain('/v1/webhooks/exotel/conn-2/tok-abc?attemptId=');
    const placed = await adapter.placeCall({ to: '+919812345678', callAttemptId: ATTEMPT, statusCallbackUrl: url, variables: { firstName: 'Ravi' } });
    await eventually(() => expect(hooksOf(placed.providerCallId)).toHaveLength(2));
    const events = hooksOf(placed.providerCallId).map((h) => {
      expect(adapter.verifyWebhook(asHook(h, { token: 'tok-abc' }))).toBe(true);
      return adapter.parseWebhook(asHook(h));
    });
    expect(events.map((e) => [e.status, e.outcome, e.callAttemptId])).toEqual([['in_progress', null, ATTEMPT], ['completed', 'answered', ATTEMPT]]);
    expect((await adapter.fetchCall(placed.providerCallId)).status).toBe('completed');
  });

  it('when the ExotelAdapter lists the calls to a number (agent and flow mode), then Bulk Call Details gives the ended calls since the attempt, oldest first, and never a live one', async () => {
    const flow = new ExotelAdapter({
      accountSid: 'acme1', apiKey: 'key', apiToken: 'token', callerId: '08047112345', flowUrl: 'http://my.exotel.com/acme1/exoml/start_voice/1', webhookToken: 'tok-abc', baseUrl: t.baseUrl,
    });
    const since = new Date(Date.now() - 1_000);
    const place = (adapter: ExotelAdapter, to: string) => adapter.placeCall({ to, callAttemptId: ATTEMPT, statusCallbackUrl: receiver.url('/drop') });
    const agentCalls = [await place(exotel(), '+919812345670'), await place(exotel(), '+919812345670')];
    const flowCall = await place(flow, '+919812345671');
    const ended = async (sid: string) => (await exotel().fetchCall(sid)).status === 'completed';
    await eventually(async () => expect(await Promise.all([...agentCalls, flowCall].map((c) => ended(c.providerCallId)))).toEqual([true, true, true]));

    const listed = await exotel().findCallsTo('+919812345670', since);
    expect(listed.map((c) => c.providerCallId)).toEqual(agentCalls.map((c) => c.providerCallId));
    expect(listed[0]).toMatchObject({ status: 'completed', outcome: 'answered' });
    expect(Math.abs(listed[0]!.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect((await flow.findCallsTo('+919812345671', since)).map((c) => c.providerCallId)).toEqual([flowCall.providerCallId]);
    // Another number, and calls created before the attempt, are not its calls.
    expect(await exotel().findCallsTo('+919812345679', since)).toEqual([]);
    expect(await exotel().findCallsTo('+919812345670', new Date(Date.now() + 120_000))).toEqual([]);

    // A live call is not in Bulk Call Details (as documented), hence listMissesLiveCallsForMs.
    // (It rings for 2 s at this time scale, then ends and is listed.)
    await t.api.put('/sim/config', { ringSeconds: 200 });
    const live = await place(exotel(), '+919812345672');
    expect(await exotel().findCallsTo('+919812345672', since)).toEqual([]);
    expect(['queued', 'ringing', 'in_progress']).toContain((await exotel().fetchCall(live.providerCallId)).status);
    expect(exotel().listMissesLiveCallsForMs).toBeGreaterThanOrEqual(14_400_000);
    await eventually(async () => expect((await exotel().findCallsTo('+919812345672', since)).map((c) => c.providerCallId)).toEqual([live.providerCallId]));
    // Every call's callbacks are in before the next test counts its own.
    await eventually(() => expect([...agentCalls, flowCall, live].map((c) => hooksOf(c.providerCallId).length)).toEqual([2, 2, 2, 2]));
  });

  it('when Bulk Call Details is asked with its own filters, then it answers pages in the Exotel format with a NextPageUri cursor', async () => {
    const sids: string[] = [];
    for (let i = 0; i < 3; i++) sids.push((await exotel().placeCall({ to: '+919812345673', callAttemptId: ATTEMPT, statusCallbackUrl: receiver.url('/drop') })).providerCallId);
    await eventually(async () => {
      const res = await fetch(`${t.baseUrl}/v1/Accounts/acme1/Calls.json?To=%2B919812345673&PageSize=2&SortBy=DateCreated:asc`, { headers: { Authorization: `Basic ${Buffer.from('key:token').toString('base64')}` } });
      const body = (await res.json()) as { Metadata: { Total: number; NextPageUri: string | null }; Calls: Array<Record<string, unknown>> };
      expect(body.Metadata.Total).toBe(3);
      expect(body.Calls).toHaveLength(2);
      expect(body.Calls[0]).toMatchObject({ To: '+919812345673', From: '+919900000001', Direction: 'outbound-api', Status: 'completed' });
      expect(String(body.Calls[0]!.DateCreated)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(body.Metadata.NextPageUri).toMatch(/^\/v1\/Accounts\/acme1\/Calls\.json\?.*After=2/);
    });
    const bad = await fetch(`${t.baseUrl}/v1/Accounts/acme1/Calls.json?DateCreated=yesterday`, { headers: { Authorization: `Basic ${Buffer.from('key:token').toString('base64')}` } });
    expect(bad.status).toBe(400);
    await eventually(() => expect(sids.map((sid) => hooksOf(sid).length)).toEqual([2, 2, 2]));
  });

  it("when Twilio's official client is pointed at the sim, then it creates a call and the callbacks verify with twilio.validateRequest", async () => {
    const client = twilio(ACCOUNT_SID, AUTH_TOKEN);
    client.api.baseUrl = t.baseUrl;
    const call = await client.calls.create({
      to: '+14155550125', from: '+14155550100', twiml: '<Response><Say>Hi</Say></Response>',
      statusCallback: receiver.url('/v1/webhooks/twilio/conn-3?attemptId=x'), statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    });
    expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
    await eventually(() => expect(receiver.forCall(call.sid).map((h) => h.body.CallStatus)).toContain('completed'));
    for (const h of receiver.forCall(call.sid)) {
      expect(twilio.validateRequest(AUTH_TOKEN, String(h.headers['x-twilio-signature']), receiver.fullUrl(h), h.body)).toBe(true);
    }
  });

  it.each([
    ['rejectCreateRate', 'capacity'], ['failCreateRate', 'transient'],
  ] as const)('when the sim answers every create with a %s fault, then each adapter retries and fails as %s', async (fault, kind) => {
    await t.api.put('/sim/config', { [fault]: 1 });
    const req = { to: '+14155550126', callAttemptId: ATTEMPT, statusCallbackUrl: receiver.url('/x') };
    for (const adapter of [vapi(), exotel(), new TwilioAdapter({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fromNumber: '+14155550100', baseUrl: t.baseUrl })]) {
      await expect(adapter.placeCall(req)).rejects.toMatchObject({ kind });
    }
    const summary = (await t.api.get('/sim/calls/summary')).data;
    expect(summary.calls).toBe(0);
    expect(summary.createsFailed + summary.createsRejected).toBe(9); // 3 adapters × 3 tries
  });

  it('when creates are slower than the adapter timeout, then the create fails as ambiguous (never retried)', async () => {
    await t.api.put('/sim/config', { createDelayMs: 500 });
    const adapter = new VapiAdapter({ apiKey: 'k', assistantId: 'a', phoneNumberId: 'p', webhookSecret: SECRET, baseUrl: t.baseUrl, requestTimeoutMs: 100 });
    const err = await adapter.placeCall({ to: '+14155550127', callAttemptId: ATTEMPT, statusCallbackUrl: receiver.url('/x') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('ambiguous');
    // The sim still creates the call once its delay is over: let it run to its end here, so that its
    // callbacks are not counted by the next test.
    await eventually(async () => expect((await t.api.get('/sim/calls/summary')).data).toMatchObject({ calls: 1, live: 0 }));
  });

  it('when callbacks are dropped, then none reach the receiver and the sim records them as dropped', async () => {
    await t.api.put('/sim/config', { dropCallbackRate: 1 });
    const placed = await exotel().placeCall({ to: '+919812345679', callAttemptId: ATTEMPT, statusCallbackUrl: receiver.url('/drop') });
    await eventually(async () => expect((await t.api.get('/sim/calls/summary')).data.live).toBe(0));
    expect(hooksOf(placed.providerCallId)).toHaveLength(0);
    expect((await t.api.get('/sim/calls/summary')).data.callbacks.dropped).toBe(2);
  });

  it('when callbacks are reordered, then the final one arrives before the held-back progress events', async () => {
    await t.api.put('/sim/config', { reorderCallbackRate: 1 });
    const adapter = new TwilioAdapter({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fromNumber: '+14155550100', baseUrl: t.baseUrl });
    const placed = await adapter.placeCall({ to: '+14155550128', callAttemptId: ATTEMPT, statusCallbackUrl: receiver.url('/reorder') });
    await eventually(() => expect(receiver.forCall(placed.providerCallId)).toHaveLength(4));
    expect(receiver.forCall(placed.providerCallId).map((h) => h.body.CallStatus)).toEqual(['completed', 'initiated', 'ringing', 'in-progress']);
  });
});
