import { createHmac } from 'node:crypto';
import {
  backoffDelay, evaluateQualification, ExotelAdapter, exotelCustomField, IgnoredWebhook, parseQualificationRule, renderTemplate,
  successEvaluationPasses, templateVariables, TWILIO_STATUS, VAPI_ENDED_REASON, VapiAdapter, vapiEnd, vapiHmacSignature,
  verifyVapiWebhook, EXOTEL_STATUS, exotelWallTime, parseExotelTime, sameExotelNumber,
} from '@dialer/providers';
import { OUTCOMES, CALL_STATUSES } from '@dialer/domain';

const ATTEMPT = '6f1c2a4e-1111-4222-8333-944455556666';

describe('mapping tables', () => {
  it('when any table entry is read, then it maps onto our call statuses and outcomes only', () => {
    for (const s of Object.values(TWILIO_STATUS)) expect(CALL_STATUSES).toContain(s);
    for (const s of Object.values(EXOTEL_STATUS)) expect(CALL_STATUSES).toContain(s);
    for (const e of Object.values(VAPI_ENDED_REASON)) {
      expect(CALL_STATUSES).toContain(e.status);
      expect(OUTCOMES).toContain(e.outcome);
    }
  });

  it.each([
    ['customer-busy', 'busy', 'busy'],
    ['customer-did-not-answer', 'no_answer', 'no_answer'],
    ['voicemail', 'completed', 'voicemail'],
    ['customer-ended-call', 'completed', 'answered'],
    ['assistant-ended-call', 'completed', 'answered'],
    ['manually-canceled', 'canceled', 'canceled'],
    ['twilio-reported-customer-misdialed', 'failed', 'invalid_number'],
    ['twilio-failed-to-connect-call', 'failed', 'failed'],
    ['call.start.error-subscription-concurrency-limit-reached', 'failed', 'provider_error'],
    ['pipeline-error-openai-llm-failed', 'failed', 'provider_error'],
    ['call.in-progress.error-vapifault-worker-died', 'failed', 'provider_error'],
  ])('when Vapi endedReason is %s, then the call is %s with outcome %s', (reason, status, outcome) => {
    expect(vapiEnd(reason)).toEqual({ status, outcome, mapped: true });
  });

  it('when a Vapi endedReason is unknown, then it ends as failed and is reported unmapped (never dropped)', () => {
    expect(vapiEnd('brand-new-reason')).toEqual({ status: 'failed', outcome: 'failed', mapped: false });
  });
});

describe('Vapi server messages', () => {
  const adapter = new VapiAdapter({ apiKey: 'k', assistantId: 'a', phoneNumberId: 'p', webhookSecret: 'vapi-secret-0123456789' });
  const hook = (message: Record<string, unknown>, headers: Record<string, string> = {}) => ({ url: '', headers, body: { message } });

  it('when a status-update arrives, then it maps its status and its key is call id + type + status', () => {
    const e = adapter.parseWebhook(hook({ type: 'status-update', status: 'in-progress', call: { id: 'c1' } }));
    expect(e).toMatchObject({ eventKey: 'c1:status-update:in-progress', status: 'in_progress', outcome: null, providerCallId: 'c1' });
  });

  it('when an end-of-call-report arrives, then outcome, duration, analysis, recording and transcript are read', () => {
    const e = adapter.parseWebhook(hook({
      type: 'end-of-call-report', endedReason: 'customer-ended-call', durationSeconds: 61.4, call: { id: 'c1' },
      analysis: { summary: 'ok', structuredData: { interested: true }, successEvaluation: 'true' },
      artifact: { recordingUrl: 'https://r/1.wav', transcript: 'AI: hi' },
    }));
    expect(e).toMatchObject({
      eventKey: 'c1:end-of-call-report', status: 'completed', outcome: 'answered', durationSeconds: 61,
      analysis: { summary: 'ok', structuredData: { interested: true }, successEvaluation: 'true' },
      recordingUrl: 'https://r/1.wav', transcript: 'AI: hi',
    });
  });

  it('when the analysis says the callee opted out, then the outcome is opted_out', () => {
    const e = adapter.parseWebhook(hook({
      type: 'end-of-call-report', endedReason: 'customer-ended-call', call: { id: 'c2' }, analysis: { structuredData: { doNotCall: true } },
    }));
    expect(e).toMatchObject({ status: 'completed', outcome: 'opted_out' });
  });

  it('when a transcript or other message arrives, then it is ignored; when message or call id is missing, then it is malformed', () => {
    expect(() => adapter.parseWebhook(hook({ type: 'transcript', call: { id: 'c1' } }))).toThrow(IgnoredWebhook);
    expect(() => adapter.parseWebhook({ url: '', headers: {}, body: {} })).toThrow(/message/);
    expect(() => adapter.parseWebhook(hook({ type: 'status-update', status: 'ringing' }))).toThrow(/call.id/);
  });

  it('when the secret comes as X-Vapi-Secret or Bearer, then it verifies; a wrong or missing one does not', () => {
    expect(adapter.verifyWebhook(hook({}, { 'x-vapi-secret': 'vapi-secret-0123456789' }))).toBe(true);
    expect(adapter.verifyWebhook(hook({}, { authorization: 'Bearer vapi-secret-0123456789' }))).toBe(true);
    expect(adapter.verifyWebhook(hook({}, { 'x-vapi-secret': 'nope' }))).toBe(false);
    expect(adapter.verifyWebhook(hook({}))).toBe(false);
  });

  it('when HMAC is configured, then the signature over "{timestamp}.{body}" (hex SHA-256, x-signature) verifies and a stale or altered one does not', () => {
    const secret = 'hmac-secret';
    const raw = JSON.stringify({ message: { type: 'status-update' } });
    const now = Date.now();
    const ts = String(Math.floor(now / 1000));
    // Independent computation of Vapi's documented default scheme.
    const expected = createHmac('sha256', secret).update(`${ts}.${raw}`).digest('hex');
    expect(vapiHmacSignature(secret, raw, ts)).toBe(expected);
    const auth = { mode: 'hmac' as const };
    const h = (sig: string, t: string, body = raw) => ({ url: '', headers: { 'x-signature': sig, 'x-timestamp': t }, body: {}, rawBody: body });
    expect(verifyVapiWebhook(h(expected, ts), secret, auth, () => now)).toBe(true);
    expect(verifyVapiWebhook(h(expected, ts, `${raw} `), secret, auth, () => now)).toBe(false);
    expect(verifyVapiWebhook(h(expected, ts), secret, auth, () => now + 10 * 60_000)).toBe(false);
    const custom = { mode: 'hmac' as const, hmac: { signatureHeader: 'x-vapi-signature', includeTimestamp: false, signaturePrefix: 'sha256=' } };
    const sig = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
    expect(verifyVapiWebhook({ url: '', headers: { 'x-vapi-signature': sig }, body: {}, rawBody: raw }, secret, custom)).toBe(true);
  });
});

describe('Exotel StatusCallback', () => {
  const adapter = new ExotelAdapter({
    accountSid: 'acme', apiKey: 'k', apiToken: 't', callerId: '08012345678', flowUrl: 'http://my.exotel.com/acme/exoml/start_voice/1', webhookToken: 'tok-123',
  });
  const hook = (body: Record<string, unknown>, token = 'tok-123') => ({ url: '', headers: {}, body, params: { token } });

  it('when the URL token matches, then it verifies; otherwise not', () => {
    expect(adapter.verifyWebhook(hook({}))).toBe(true);
    expect(adapter.verifyWebhook(hook({}, 'tok-124'))).toBe(false);
    expect(adapter.verifyWebhook({ url: '', headers: {}, body: {} })).toBe(false);
  });

  it.each([
    ['completed', 'Human', 'completed', 'answered'],
    ['completed', 'Machine', 'completed', 'voicemail'],
    ['busy', 'NA', 'busy', 'busy'],
    ['no-answer', 'NA', 'no_answer', 'no_answer'],
    ['failed', 'NA', 'failed', 'failed'],
  ])('when Status is %s answered by %s, then the call is %s with outcome %s', (raw, by, status, outcome) => {
    const e = adapter.parseWebhook(hook({
      CallSid: 'x1', Status: raw, EventType: 'terminal', ConversationDuration: 33,
      Legs: [{ OnCallDuration: 33, Status: raw, AnsweredBy: by }], CustomField: exotelCustomField(ATTEMPT, { firstName: 'Ada' }),
    }));
    expect(e).toMatchObject({ eventKey: `x1:${raw}`, status, outcome, durationSeconds: 33, callAttemptId: ATTEMPT });
  });

  it('when the answered event arrives (form with Legs as text), then it is in progress with its own key', () => {
    expect(adapter.parseWebhook(hook({ CallSid: 'x1', Status: 'in-progress', EventType: 'answered', Legs: '[]' })))
      .toMatchObject({ eventKey: 'x1:answered', status: 'in_progress', outcome: null });
  });

  it('when CallSid or Status is missing, then it is malformed; an unknown Status is unmapped', () => {
    expect(() => adapter.parseWebhook(hook({ Status: 'completed' }))).toThrow(/CallSid/);
    expect(adapter.parseWebhook(hook({ CallSid: 'x', Status: 'vanished' }))).toMatchObject({ status: null, unmapped: 'Status=vanished' });
  });
});

describe('Exotel Bulk Call Details readings', () => {
  it('when a time is written and read in Exotel\'s zoneless form, then it is IST and round-trips to the second', () => {
    const t = new Date('2026-12-07T10:00:30.000Z');
    expect(exotelWallTime(t)).toBe('2026-12-07 15:30:30');
    expect(parseExotelTime('2026-12-07 15:30:30')).toEqual(t);
    expect(parseExotelTime('2026-12-07T15:30:30Z')).toBeNull();
    expect(parseExotelTime(null)).toBeNull();
  });

  it.each([
    ['+919812345678', '+919812345678', true],
    ['09812345678', '+919812345678', true],
    ['919812345678', '+919812345678', true],
    ['+919812345679', '+919812345678', false],
    ['0345678', '+919812345678', false],
    ['', '+919812345678', false],
    [null, '+919812345678', false],
  ])('when Exotel shows %p for our %s, then it is the same number: %p', (listed, e164, same) => {
    expect(sameExotelNumber(listed, e164 as string)).toBe(same);
  });
});

describe('personalization', () => {
  it('when a template names lead variables, then they are filled, with fallbacks and empty unknowns', () => {
    const t = 'Hi {{ firstName }}, about {{property|your home}} in {{city}}.';
    expect(renderTemplate(t, { firstName: 'Ada', city: 'Pune' })).toBe('Hi Ada, about your home in Pune.');
    expect(renderTemplate(t, {})).toBe('Hi , about your home in .');
    expect(templateVariables(t)).toEqual(['firstName', 'property', 'city']);
  });
});

describe('qualification rule', () => {
  it.each([
    [true, true], [false, false], ['true', true], ['Pass', true], ['fail', false], [8, true], [6, false], ['85%', true],
    ['Excellent', true], ['Poor', false], ['Strongly Agree', true], ['maybe', null],
  ])('when successEvaluation is %p, then it passes: %p', (v, expected) => {
    expect(successEvaluationPasses(v)).toBe(expected);
  });

  it('when the rule reads structuredData, then equals / in / truthiness decide, and a missing field decides nothing', () => {
    const analysis = { structuredData: { interested: true, budget: 'high', nested: { intent: 'buy' } } };
    const rule = (r: unknown) => {
      const p = parseQualificationRule(r);
      if ('problem' in p) throw new Error(p.problem);
      return p.rule;
    };
    expect(evaluateQualification(rule({ source: 'structuredData', field: 'interested' }), { analysis })).toBe(true);
    expect(evaluateQualification(rule({ source: 'structuredData', field: 'budget', in: ['high', 'medium'] }), { analysis })).toBe(true);
    expect(evaluateQualification(rule({ source: 'structuredData', field: 'nested.intent', equals: 'rent' }), { analysis })).toBe(false);
    expect(evaluateQualification(rule({ source: 'structuredData', field: 'absent' }), { analysis })).toBeNull();
    expect(evaluateQualification(rule({ source: 'outcome', in: ['answered'] }), { outcome: 'answered' })).toBe(true);
    expect(parseQualificationRule({ source: 'astrology' })).toHaveProperty('problem');
  });
});

describe('retries', () => {
  it('when backoff is computed, then it doubles per retry within ±50% jitter', () => {
    expect(backoffDelay(200, 1, () => 0)).toBe(100);
    expect(backoffDelay(200, 1, () => 0.999)).toBe(300);
    expect(backoffDelay(200, 3, () => 0.5)).toBe(800);
  });
});
