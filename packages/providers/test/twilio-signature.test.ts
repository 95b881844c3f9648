import { twilioSignature, verifyTwilioSignature, TwilioAdapter } from '@dialer/providers';

// Twilio's published request-validation example (its helper libraries test against the same vector).
const TOKEN = '12345';
const URL_ = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
const SIGNATURE = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

describe('Twilio signature', () => {
  it("when given Twilio's documented example, then it computes the documented signature", () => {
    expect(twilioSignature(TOKEN, URL_, PARAMS)).toBe(SIGNATURE);
  });

  it('when any input changes, then verification fails', () => {
    expect(verifyTwilioSignature(TOKEN, URL_, PARAMS, SIGNATURE)).toBe(true);
    expect(verifyTwilioSignature('54321', URL_, PARAMS, SIGNATURE)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, `${URL_}&x=1`, PARAMS, SIGNATURE)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL_, { ...PARAMS, Digits: '9999' }, SIGNATURE)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL_, PARAMS, undefined)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL_, PARAMS, 'not-base64')).toBe(false);
  });

  it('when the URL was signed with its default port, then it still verifies (and the reverse)', () => {
    const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    expect(verifyTwilioSignature(TOKEN, URL_, PARAMS, twilioSignature(TOKEN, withPort, PARAMS))).toBe(true);
    expect(verifyTwilioSignature(TOKEN, withPort, PARAMS, SIGNATURE)).toBe(true);
  });
});

describe('Twilio callback parsing', () => {
  const adapter = new TwilioAdapter({ accountSid: 'AC1', authToken: TOKEN, fromNumber: '+14155550100' });
  const hook = (body: Record<string, string>) => ({ url: URL_, headers: {}, body });

  it('when a completed call answered by a machine arrives, then it maps to voicemail with its duration', () => {
    const e = adapter.parseWebhook(hook({ CallSid: 'CA1', CallStatus: 'completed', AnsweredBy: 'machine_end_beep', CallDuration: '17', SequenceNumber: '3' }));
    expect(e).toMatchObject({ providerCallId: 'CA1', status: 'completed', outcome: 'voicemail', durationSeconds: 17 });
    expect(e.eventKey).toBe('CA1:3:completed');
  });

  it.each([
    ['completed', 'answered'], ['busy', 'busy'], ['no-answer', 'no_answer'], ['failed', 'failed'], ['canceled', 'canceled'],
  ])('when CallStatus is %s, then the outcome is %s', (raw, outcome) => {
    expect(adapter.parseWebhook(hook({ CallSid: 'CA1', CallStatus: raw })).outcome).toBe(outcome);
  });

  it('when ringing arrives, then it is not terminal and has no outcome', () => {
    expect(adapter.parseWebhook(hook({ CallSid: 'CA1', CallStatus: 'ringing' }))).toMatchObject({ status: 'ringing', outcome: null });
  });

  it('when CallStatus is missing, then parsing refuses with the reason', () => {
    expect(() => adapter.parseWebhook(hook({ CallSid: 'CA1' }))).toThrow(/CallStatus/);
  });

  it('when CallStatus is outside the mapping table, then the event keeps its raw value, maps to no status and says what was unmapped', () => {
    expect(adapter.parseWebhook(hook({ CallSid: 'CA1', CallStatus: 'teleported' }))).toMatchObject({
      status: null, rawStatus: 'teleported', outcome: null, unmapped: 'CallStatus=teleported',
    });
  });

  it.each([['404', undefined], ['484', undefined], [undefined, '13224'], [undefined, '21211']])(
    'when a failed call carries SipResponseCode %s / ErrorCode %s, then the outcome is invalid_number', (sip, code) => {
      const body: Record<string, string> = { CallSid: 'CA1', CallStatus: 'failed' };
      if (sip) body.SipResponseCode = sip;
      if (code) body.ErrorCode = code;
      expect(adapter.parseWebhook(hook(body)).outcome).toBe('invalid_number');
    });

  it.each(['machine_start', 'machine_end_beep', 'machine_end_silence', 'machine_end_other', 'fax'])(
    'when a completed call has AnsweredBy %s, then it is voicemail', (answeredBy) => {
      expect(adapter.parseWebhook(hook({ CallSid: 'CA1', CallStatus: 'completed', AnsweredBy: answeredBy })).outcome).toBe('voicemail');
    });
});
