import { TwilioAdapter } from '@dialer/providers';
import { ACCOUNT_SID, AUTH_TOKEN, eventually, form, FORM, startReceiver, startTestSim, type Receiver, type TestSim } from './helpers';

const FROM_A = '+14155550001';
const FROM_B = '+14155550002';

interface CallView {
  sid: string;
  from: string;
  createdAt: string;
  endedAt: string | null;
  finalStatus: string | null;
  callbacks: Array<{ status: string; sequenceNumber: number; sentAt: string | null; httpStatus: number | null; attempts: number }>;
}

describe('provider-sim control API', () => {
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
    await t.api.put('/sim/config', { outcomes: { completed: 1 }, ringSeconds: 4, talkSeconds: 20, timeScale: 0.01 });
  });

  function adapterFrom(fromNumber: string): TwilioAdapter {
    return new TwilioAdapter({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fromNumber, baseUrl: t.baseUrl });
  }

  async function calls(): Promise<CallView[]> {
    return (await t.api.get('/sim/calls')).data as CallView[];
  }

  it('when calls overlap in a known pattern, then /sim/calls records each and the summary gives the max live count overall and per From', async () => {
    // Calls ring until hung up, so each ends as canceled exactly when the test says.
    await t.api.put('/sim/config', { ringSeconds: 1_000_000 });
    const a = adapterFrom(FROM_A);
    const b = adapterFrom(FROM_B);
    const place = (ad: TwilioAdapter, id: string) =>
      ad.placeCall({ to: '+14155550100', callAttemptId: id, statusCallbackUrl: receiver.url(`/hook?attemptId=${id}`) });

    // Wave 1: three live at once (A, A, B); all hung up. Wave 2: two live at once (B, B); hung up.
    const wave1 = await Promise.all([place(a, 'w1-1'), place(a, 'w1-2'), place(b, 'w1-3')]);
    expect((await t.api.get('/sim/calls/summary')).data.live).toBe(3);
    for (const c of wave1) await a.hangup(c.providerCallId);
    await eventually(async () => expect((await calls()).every((c) => c.endedAt !== null)).toBe(true));
    const wave2 = await Promise.all([place(b, 'w2-1'), place(b, 'w2-2')]);
    for (const c of wave2) await b.hangup(c.providerCallId);
    await eventually(async () => expect((await t.api.get('/sim/calls/summary')).data.live).toBe(0));

    const recorded = await calls();
    expect(recorded.map((c) => c.sid).sort()).toEqual([...wave1, ...wave2].map((c) => c.providerCallId).sort());
    // In creation order: wave 1 before wave 2.
    expect(new Set(recorded.slice(0, 3).map((c) => c.sid))).toEqual(new Set(wave1.map((c) => c.providerCallId)));
    for (const c of recorded) {
      expect(Date.parse(c.createdAt)).not.toBeNaN();
      expect(Date.parse(c.endedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(c.createdAt));
      expect(c.finalStatus).toBe('canceled');
      const final = c.callbacks[c.callbacks.length - 1]!;
      expect(final).toMatchObject({ status: 'canceled', httpStatus: 204, attempts: 1 });
      // endedAt is taken just before the final callback goes out: never after the receiver got it.
      const got = receiver.forCall(c.sid).find((h) => h.body.CallStatus === 'canceled');
      expect(got).toBeDefined();
      expect(Date.parse(c.endedAt!)).toBeLessThanOrEqual(got!.receivedAt.getTime());
      expect(Date.parse(c.endedAt!)).toBeLessThanOrEqual(Date.parse(final.sentAt!));
    }

    const { data: summary } = await t.api.get('/sim/calls/summary');
    expect(summary).toMatchObject({
      calls: 5, live: 0, maxLive: 3, maxLiveByFrom: { [FROM_A]: 2, [FROM_B]: 2 },
      byFinalStatus: { completed: 0, busy: 0, 'no-answer': 0, failed: 0, canceled: 5, pending: 0 },
    });

    expect((await t.api.delete('/sim/calls')).status).toBe(204);
    expect(await calls()).toEqual([]);
    expect((await t.api.get('/sim/calls/summary')).data).toMatchObject({ calls: 0, live: 0, maxLive: 0, maxLiveByFrom: {} });
  });

  it('when the outcome mix is mixed, then the summary counts each final status', async () => {
    await t.api.put('/sim/config', { outcomes: 'busy:1,failed:1', seed: 7 });
    const ad = adapterFrom(FROM_A);
    for (let i = 0; i < 10; i++) await ad.placeCall({ to: '+14155550100', callAttemptId: `m${i}`, statusCallbackUrl: receiver.url() });
    const summary = await eventually(async () => {
      const { data } = await t.api.get('/sim/calls/summary');
      expect(data.byFinalStatus.pending).toBe(0);
      return data;
    });
    expect(summary.calls).toBe(10);
    expect(summary.byFinalStatus.busy + summary.byFinalStatus.failed).toBe(10);
    expect(summary.byFinalStatus.completed).toBe(0);
  });

  it('when GET and PUT /sim/config are used, then a partial update changes only the named fields and the outcomes mix is replaced', async () => {
    const before = (await t.api.get('/sim/config')).data;
    expect(before).toMatchObject({ ringSeconds: 4, talkSeconds: 20, timeScale: 0.01, callbackDelayMs: 0, failCreateRate: 0, rejectCreateRate: 0 });
    const res = await t.api.put('/sim/config', { talkSeconds: 5, outcomes: { busy: 0.25, 'no-answer': 0.75 } });
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({
      ringSeconds: 4, talkSeconds: 5, timeScale: 0.01,
      outcomes: { completed: 0, machine: 0, busy: 0.25, 'no-answer': 0.75, failed: 0, canceled: 0 },
    });
    expect((await t.api.get('/sim/config')).data).toEqual(res.data);
  });

  it('when the config is invalid, then 400 names every bad field and nothing changes', async () => {
    const before = (await t.api.get('/sim/config')).data;
    const res = await t.api.put('/sim/config', { outcomes: { answered: 1 }, timeScale: -1, rejectCreateRate: 2, colour: 'blue' });
    expect(res.status).toBe(400);
    expect(res.data.error.code).toBe('validation_failed');
    const fields = (res.data.error.details as Array<{ field: string }>).map((d) => d.field).sort();
    expect(fields).toEqual(['colour', 'outcomes.answered', 'rejectCreateRate', 'timeScale']);
    const zero = await t.api.put('/sim/config', { outcomes: { completed: 0 } });
    expect(zero.status).toBe(400);
    expect(zero.data.error.message).toMatch(/at least one outcome/);
    expect((await t.api.get('/sim/config')).data).toEqual(before);
  });

  it('when callbackDelayMs is set, then callbacks still arrive in order', async () => {
    await t.api.put('/sim/config', { callbackDelayMs: 30 });
    const sid = (await adapterFrom(FROM_A).placeCall({ to: '+14155550100', callAttemptId: 'd1', statusCallbackUrl: receiver.url() })).providerCallId;
    const hooks = await eventually(() => {
      const h = receiver.forCall(sid);
      expect(h).toHaveLength(4);
      return h;
    });
    expect(hooks.map((h) => h.body.SequenceNumber)).toEqual(['0', '1', '2', '3']);
  });

  it('when /healthz and /metrics are read, then health is ok and the sim counters are exported', async () => {
    const sid = (await adapterFrom(FROM_A).placeCall({ to: '+14155550100', callAttemptId: 'x1', statusCallbackUrl: receiver.url() })).providerCallId;
    await eventually(() => expect(receiver.forCall(sid)).toHaveLength(4));
    expect((await t.api.get('/healthz')).data).toEqual({ status: 'ok' });
    const metrics = (await t.api.get('/metrics')).data as string;
    expect(metrics).toMatch(/provider_sim_calls_created_total\{[^}]*\} [1-9]/);
    expect(metrics).toMatch(/provider_sim_callbacks_sent_total\{[^}]*status="completed"[^}]*\} [1-9]/);
    expect(metrics).toContain('provider_sim_callback_failures_total');
    expect(metrics).toMatch(/provider_sim_live_calls\{[^}]*\} \d+/);
  });
});

describe('provider-sim seeds and shutdown', () => {
  async function outcomesOf(seed: string): Promise<string[]> {
    const t = await startTestSim({ SIM_SEED: seed, SIM_OUTCOMES: 'completed:0.5,busy:0.2,no-answer:0.2,failed:0.1', SIM_TIME_SCALE: '1' });
    try {
      for (let i = 0; i < 20; i++) {
        const res = await t.api.post(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`,
          form([['To', '+14155550100'], ['From', FROM_A], ['Twiml', '<Response/>']]),
          { headers: FORM, auth: { username: ACCOUNT_SID, password: AUTH_TOKEN } });
        expect(res.status).toBe(201);
      }
      return ((await t.api.get('/sim/calls')).data as Array<{ outcome: string }>).map((c) => c.outcome);
    } finally {
      await t.stop();
    }
  }

  it('when two sims share SIM_SEED, then they draw the same outcome sequence', async () => {
    const first = await outcomesOf('42');
    expect(await outcomesOf('42')).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('when the sim stops with calls and a callback retry pending, then stop resolves promptly and nothing is left running', async () => {
    const t = await startTestSim({ SIM_TIME_SCALE: '0.01', SIM_TALK_SECONDS: '100000' });
    const receiver = await startReceiver();
    receiver.respond = () => 503;
    try {
      const ad = new TwilioAdapter({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fromNumber: FROM_A, baseUrl: t.baseUrl });
      const placed = await ad.placeCall({ to: '+14155550100', callAttemptId: 's1', statusCallbackUrl: receiver.url() });
      await eventually(async () => {
        const { data } = await t.api.get('/sim/calls');
        expect(data[0].callbacks[0].attempts).toBeGreaterThanOrEqual(2);
      });
      expect(placed.providerCallId).toMatch(/^CA/);
    } finally {
      await t.stop();
      await receiver.close();
    }
  });
});
