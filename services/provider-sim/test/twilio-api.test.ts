import { ProviderError, TwilioAdapter, twilioSignature, verifyTwilioSignature } from '@dialer/providers';
import { signTwilioCallback } from '../src/twilio-signature';
import {
  ACCOUNT_SID, AUTH_TOKEN, eventually, form, FORM, startReceiver, startTestSim, type Receiver, type TestSim,
} from './helpers';

const TO = '+14155550100';
const FROM = '+14155550199';

describe('provider-sim Twilio Calls API', () => {
  let t: TestSim;
  let receiver: Receiver;
  let adapter: TwilioAdapter;

  const callsPath = `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`;
  const auth = { username: ACCOUNT_SID, password: AUTH_TOKEN };

  beforeAll(async () => {
    t = await startTestSim();
    receiver = await startReceiver();
    adapter = new TwilioAdapter({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fromNumber: FROM, baseUrl: t.baseUrl });
  });

  afterAll(async () => {
    await t.stop();
    await receiver.close();
  });

  beforeEach(async () => {
    receiver.respond = () => 204;
    await t.api.delete('/sim/calls');
    await t.api.put('/sim/config', {
      outcomes: { completed: 1 }, ringSeconds: 4, talkSeconds: 20, timeScale: 0.01,
      callbackDelayMs: 0, failCreateRate: 0, rejectCreateRate: 0,
    });
  });

  async function place(callAttemptId = 'att-1'): Promise<string> {
    const placed = await adapter.placeCall({
      to: TO, callAttemptId, statusCallbackUrl: receiver.url(`/v1/webhooks/twilio/conn-1?attemptId=${callAttemptId}`),
    });
    return placed.providerCallId;
  }

  async function finalHooks(sid: string, count: number) {
    return eventually(() => {
      const hooks = receiver.forCall(sid);
      expect(hooks).toHaveLength(count);
      return hooks;
    });
  }

  it('when a call is created with the TwilioAdapter, then it gets a CA sid and signed callbacks initiated, ringing, in-progress, completed in order', async () => {
    const placed = await adapter.placeCall({ to: TO, callAttemptId: 'att-1', statusCallbackUrl: receiver.url() });
    expect(placed.providerCallId).toMatch(/^CA[0-9a-f]{32}$/);
    expect(placed.rawStatus).toBe('queued');

    const hooks = await finalHooks(placed.providerCallId, 4);
    expect(hooks.map((h) => h.body.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect(hooks.map((h) => h.body.SequenceNumber)).toEqual(['0', '1', '2', '3']);
    for (const hook of hooks) {
      const signature = hook.headers['x-twilio-signature'] as string;
      // Two independent implementations of Twilio's HMAC agree.
      expect(verifyTwilioSignature(AUTH_TOKEN, receiver.fullUrl(hook), hook.body, signature)).toBe(true);
      expect(signTwilioCallback(AUTH_TOKEN, receiver.fullUrl(hook), Object.entries(hook.body)))
        .toBe(twilioSignature(AUTH_TOKEN, receiver.fullUrl(hook), hook.body));
      expect(adapter.verifyWebhook({ url: receiver.fullUrl(hook), headers: hook.headers, body: hook.body })).toBe(true);
      expect(verifyTwilioSignature('another-token', receiver.fullUrl(hook), hook.body, signature)).toBe(false);
      expect(verifyTwilioSignature(AUTH_TOKEN, receiver.fullUrl(hook), { ...hook.body, CallStatus: 'busy' }, signature)).toBe(false);
      expect(hook.headers['content-type']).toContain('application/x-www-form-urlencoded');
      expect(hook.originalUrl).toBe('/v1/webhooks/twilio/conn-1?attemptId=att-1');
      expect(hook.body).toMatchObject({
        AccountSid: ACCOUNT_SID, ApiVersion: '2010-04-01', CallSid: placed.providerCallId, Called: TO, Caller: FROM,
        To: TO, From: FROM, Direction: 'outbound-api', CallbackSource: 'call-progress-events',
      });
      expect(hook.body.Timestamp).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
      expect(hook.body.AnsweredBy).toBeUndefined();
    }
    const last = hooks[3]!;
    expect(Number(last.body.CallDuration)).toBeGreaterThanOrEqual(10);
    expect(last.body.Duration).toBe(last.body.CallDuration);
    expect(hooks[2]!.body.CallDuration).toBeUndefined();

    const event = adapter.parseWebhook({ url: receiver.fullUrl(last), headers: last.headers, body: last.body });
    expect(event).toMatchObject({ providerCallId: placed.providerCallId, status: 'completed', outcome: 'answered' });
  });

  it.each([
    ['busy', ['initiated', 'ringing', 'busy'], 'busy'],
    ['no-answer', ['initiated', 'ringing', 'no-answer'], 'no_answer'],
    ['failed', ['failed'], 'failed'],
  ] as const)('when the outcome mix is only %s, then the callbacks are %j with duration 0', async (outcome, statuses, normalized) => {
    await t.api.put('/sim/config', { outcomes: { [outcome]: 1 } });
    const sid = await place();
    const hooks = await finalHooks(sid, statuses.length);
    expect(hooks.map((h) => h.body.CallStatus)).toEqual(statuses);
    expect(hooks.map((h) => h.body.SequenceNumber)).toEqual(statuses.map((_, i) => String(i)));
    const last = hooks[hooks.length - 1]!;
    expect(last.body.CallDuration).toBe('0');
    expect(last.body.Duration).toBe('0');
    for (const hook of hooks) expect(verifyTwilioSignature(AUTH_TOKEN, receiver.fullUrl(hook), hook.body, hook.headers['x-twilio-signature'] as string)).toBe(true);
    expect(adapter.parseWebhook({ url: receiver.fullUrl(last), headers: last.headers, body: last.body }).outcome).toBe(normalized);

    const { data } = await t.api.get('/sim/calls');
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ sid, finalStatus: outcome, answeredAt: null, durationSeconds: 0 });
  });

  it('when machine detection is requested and the mix is only machine, then AnsweredBy=machine_start arrives and the adapter reads voicemail', async () => {
    await t.api.put('/sim/config', { outcomes: { machine: 1 } });
    const res = await t.api.post(callsPath, form([
      ['To', TO], ['From', FROM], ['Url', 'https://example.com/twiml'], ['StatusCallback', receiver.url()],
      ['StatusCallbackEvent', 'answered'], ['StatusCallbackEvent', 'completed'], ['MachineDetection', 'Enable'],
    ]), { auth, headers: FORM });
    expect(res.status).toBe(201);
    const hooks = await finalHooks(res.data.sid, 2);
    expect(hooks.map((h) => [h.body.CallStatus, h.body.AnsweredBy, h.body.SequenceNumber])).toEqual([
      ['in-progress', 'machine_start', '0'], ['completed', 'machine_start', '1'],
    ]);
    const last = hooks[1]!;
    expect(adapter.parseWebhook({ url: receiver.fullUrl(last), headers: last.headers, body: last.body }).outcome).toBe('voicemail');
  });

  it('when machine is drawn but machine detection was not requested, then the call completes as a human call without AnsweredBy', async () => {
    await t.api.put('/sim/config', { outcomes: { machine: 1 } });
    const sid = await place();
    const hooks = await finalHooks(sid, 4);
    expect(hooks[3]!.body.CallStatus).toBe('completed');
    expect(hooks.every((h) => h.body.AnsweredBy === undefined)).toBe(true);
  });

  it('when no StatusCallbackEvent is given, then only the completed callback is sent, with SequenceNumber 0', async () => {
    const res = await t.api.post(callsPath, form([
      ['To', TO], ['From', FROM], ['Twiml', '<Response/>'], ['StatusCallback', receiver.url()],
    ]), { auth, headers: FORM });
    expect(res.status).toBe(201);
    await eventually(async () => {
      const { data } = await t.api.get('/sim/calls');
      expect(data[0].endedAt).not.toBeNull();
    });
    const hooks = await finalHooks(res.data.sid, 1);
    expect(hooks[0]!.body).toMatchObject({ CallStatus: 'completed', SequenceNumber: '0' });
  });

  it('when a call is created, then the 201 body is a Twilio call resource', async () => {
    const res = await t.api.post(callsPath, form([['To', TO], ['From', FROM], ['Url', 'https://example.com/twiml']]), { auth, headers: FORM });
    expect(res.status).toBe(201);
    expect(res.data).toMatchObject({
      account_sid: ACCOUNT_SID, to: TO, from: FROM, status: 'queued', direction: 'outbound-api', api_version: '2010-04-01',
      price: null, duration: null, uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${res.data.sid}.json`,
    });
    expect(res.data.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(new Date(res.data.date_created).getTime()).not.toBeNaN();
    expect(res.data.date_created).toMatch(/\+0000$/);
    expect(res.data.subresource_uris.recordings).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${res.data.sid}/Recordings.json`);
  });

  it('when basic auth is wrong or missing, then the answer is 401 with Twilio error JSON and the adapter gets a rejected error', async () => {
    const expected = { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 };
    const body = form([['To', TO], ['From', FROM], ['Twiml', '<Response/>']]);
    const noAuth = await t.api.post(callsPath, body, { headers: FORM });
    expect(noAuth.status).toBe(401);
    expect(noAuth.data).toEqual(expected);
    const otherUser = await t.api.post(callsPath, body, { headers: FORM, auth: { username: 'ACsomeoneelse', password: AUTH_TOKEN } });
    expect(otherUser.status).toBe(401);
    expect(otherUser.data).toEqual(expected);
    const emptyToken = await t.api.post(callsPath, body, { headers: FORM, auth: { username: ACCOUNT_SID, password: '' } });
    expect(emptyToken.status).toBe(401);

    const bad = new TwilioAdapter({ accountSid: ACCOUNT_SID, authToken: '', fromNumber: FROM, baseUrl: t.baseUrl });
    await expect(bad.placeCall({ to: TO, callAttemptId: 'x', statusCallbackUrl: receiver.url() }))
      .rejects.toMatchObject({ name: 'ProviderError', kind: 'rejected', httpStatus: 401 });
    expect((await t.api.get('/sim/calls')).data).toHaveLength(0);
  });

  it('when To is missing or not E.164, then the answer is 400 with code 21211', async () => {
    const missing = await t.api.post(callsPath, form([['From', FROM], ['Twiml', '<Response/>']]), { auth, headers: FORM });
    expect(missing.status).toBe(400);
    expect(missing.data).toMatchObject({ code: 21211, status: 400, more_info: 'https://www.twilio.com/docs/errors/21211' });
    expect(missing.data.message).toMatch(/The 'To' number .* is not a valid phone number/);
    const bad = await t.api.post(callsPath, form([['To', '555-0100'], ['From', FROM], ['Twiml', '<Response/>']]), { auth, headers: FORM });
    expect(bad.status).toBe(400);
    expect(bad.data.code).toBe(21211);
    const noUrl = await t.api.post(callsPath, form([['To', TO], ['From', FROM]]), { auth, headers: FORM });
    expect(noUrl.status).toBe(400);
    expect(noUrl.data.code).toBe(21205);
    const getCallback = await t.api.post(callsPath, form([
      ['To', TO], ['From', FROM], ['Twiml', '<Response/>'], ['StatusCallback', receiver.url()], ['StatusCallbackMethod', 'GET'],
    ]), { auth, headers: FORM });
    expect(getCallback.status).toBe(400);
    expect((await t.api.get('/sim/calls')).data).toHaveLength(0);
  });

  it('when an answered call is fetched and hung up, then fetch shows in-progress, the completed callback follows and fetch shows the duration', async () => {
    await t.api.put('/sim/config', { ringSeconds: 0, talkSeconds: 100_000 });
    const sid = await place();
    const live = await eventually(async () => {
      const snap = await adapter.fetchCall(sid);
      expect(snap.status).toBe('in_progress');
      return snap;
    });
    expect(live).toMatchObject({ providerCallId: sid, rawStatus: 'in-progress', durationSeconds: null });

    await adapter.hangup(sid);
    const hooks = await finalHooks(sid, 4);
    expect(hooks[3]!.body.CallStatus).toBe('completed');
    const after = await adapter.fetchCall(sid);
    expect(after.status).toBe('completed');
    expect(after.durationSeconds).toBe(Number(hooks[3]!.body.CallDuration));

    // Hanging up an ended call changes nothing and sends nothing more.
    await adapter.hangup(sid);
    expect((await adapter.fetchCall(sid)).status).toBe('completed');
    expect(receiver.forCall(sid)).toHaveLength(4);
  });

  it('when a ringing call is canceled, then it ends as canceled with duration 0', async () => {
    await t.api.put('/sim/config', { ringSeconds: 100_000 });
    const sid = await place();
    await eventually(async () => expect((await adapter.fetchCall(sid)).rawStatus).toBe('ringing'));
    const res = await t.api.post(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${sid}.json`, form([['Status', 'canceled']]), { auth, headers: FORM });
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ sid, status: 'canceled', duration: '0' });
    const hooks = await finalHooks(sid, 3);
    expect(hooks.map((h) => h.body.CallStatus)).toEqual(['initiated', 'ringing', 'canceled']);
    expect(hooks[2]!.body.CallDuration).toBe('0');
  });

  it('when an unknown sid is fetched or updated, then the answer is 404 with code 20404', async () => {
    const path = `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/CA00000000000000000000000000000000.json`;
    const get = await t.api.get(path, { auth });
    expect(get.status).toBe(404);
    expect(get.data).toMatchObject({ code: 20404, status: 404, more_info: 'https://www.twilio.com/docs/errors/20404' });
    const post = await t.api.post(path, form([['Status', 'completed']]), { auth, headers: FORM });
    expect(post.status).toBe(404);
    expect(post.data.code).toBe(20404);
    await expect(adapter.fetchCall('CA00000000000000000000000000000000')).rejects.toMatchObject({ kind: 'rejected', httpStatus: 404 });
  });

  it('when rejectCreateRate is 1, then creates get 429 code 20429 and the adapter raises a capacity ProviderError', async () => {
    await t.api.put('/sim/config', { rejectCreateRate: 1 });
    const raw = await t.api.post(callsPath, form([['To', TO], ['From', FROM], ['Twiml', '<Response/>']]), { auth, headers: FORM });
    expect(raw.status).toBe(429);
    expect(raw.data).toEqual({ code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 });

    const err = await adapter.placeCall({ to: TO, callAttemptId: 'att-1', statusCallbackUrl: receiver.url() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'capacity', httpStatus: 429 });
    const { data } = await t.api.get('/sim/calls/summary');
    expect(data.calls).toBe(0);
    expect(data.createsRejected).toBeGreaterThanOrEqual(2);
  });

  it('when failCreateRate is 1, then creates get 500 and the adapter raises a transient ProviderError', async () => {
    await t.api.put('/sim/config', { failCreateRate: 1 });
    const raw = await t.api.post(callsPath, form([['To', TO], ['From', FROM], ['Twiml', '<Response/>']]), { auth, headers: FORM });
    expect(raw.status).toBe(500);
    expect(raw.data).toMatchObject({ code: 20500, status: 500 });
    await expect(place()).rejects.toMatchObject({ kind: 'transient', httpStatus: 500 });
    expect((await t.api.get('/sim/calls')).data).toHaveLength(0);
  });

  it('when the receiver answers 503 twice, then the callback is retried and the later callbacks wait for it', async () => {
    receiver.respond = (hook, nth) => (hook.body.CallStatus === 'ringing' && nth <= 2 ? 503 : 204);
    const sid = await place();
    const hooks = await finalHooks(sid, 4);
    expect(hooks.map((h) => h.body.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    const { data } = await t.api.get('/sim/calls');
    const ringing = data[0].callbacks.find((c: { status: string }) => c.status === 'ringing');
    expect(ringing).toMatchObject({ attempts: 3, httpStatus: 204, sequenceNumber: 1 });
  });

  it('when the receiver refuses a callback with 4xx, then it is not retried and the final callback is still sent', async () => {
    receiver.respond = (hook) => (hook.body.CallStatus === 'initiated' ? 403 : 204);
    const sid = await place();
    await finalHooks(sid, 3);
    const { data } = await t.api.get('/sim/calls');
    expect(data[0].callbacks[0]).toMatchObject({ status: 'initiated', attempts: 1, httpStatus: 403 });
    expect((await t.api.get('/sim/calls/summary')).data.callbacks).toEqual({ delivered: 3, failed: 1, dropped: 0, reordered: 0 });
  });
});

describe('provider-sim with fixed accounts (SIM_TWILIO_ACCOUNTS)', () => {
  let t: TestSim;

  beforeAll(async () => {
    t = await startTestSim({ SIM_TWILIO_ACCOUNTS: `${ACCOUNT_SID}:right-token,ACother:other-token` });
  });

  afterAll(async () => {
    await t.stop();
  });

  it('when the token does not match the configured one, then 401; when it does, then 201', async () => {
    const path = `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`;
    const body = form([['To', TO], ['From', FROM], ['Twiml', '<Response/>']]);
    const wrong = await t.api.post(path, body, { headers: FORM, auth: { username: ACCOUNT_SID, password: 'other-token' } });
    expect(wrong.status).toBe(401);
    expect(wrong.data.code).toBe(20003);
    const unknown = await t.api.post('/2010-04-01/Accounts/ACnobody/Calls.json', body, { headers: FORM, auth: { username: 'ACnobody', password: 'x' } });
    expect(unknown.status).toBe(401);
    const right = await t.api.post(path, body, { headers: FORM, auth: { username: ACCOUNT_SID, password: 'right-token' } });
    expect(right.status).toBe(201);
  });
});
