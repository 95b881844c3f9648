import {
  canTransition, decideAfterCall, isCallableAt, isForwardTransition, leadZones, nextCallableAt, normalizePhone, windowProblem,
} from '@dialer/domain';

describe('campaign status machine', () => {
  it('when running, then it may pause, complete or stop, but not go back to draft', () => {
    expect(canTransition('running', 'paused')).toBe(true);
    expect(canTransition('paused', 'running')).toBe(true);
    expect(canTransition('running', 'draft')).toBe(false);
    expect(canTransition('completed', 'running')).toBe(false);
  });
});

describe('call status order', () => {
  it('when a call is completed, then no later status changes it', () => {
    expect(isForwardTransition('ringing', 'completed')).toBe(true);
    expect(isForwardTransition('completed', 'ringing')).toBe(false);
    expect(isForwardTransition('completed', 'completed')).toBe(false);
    expect(isForwardTransition('in_progress', 'ringing')).toBe(false);
    expect(isForwardTransition('busy', 'completed')).toBe(false);
  });
});

describe('retry decision', () => {
  const endedAt = new Date('2026-03-02T15:00:00Z');
  it('when a person answered, then the lead is final whatever the policy', () => {
    expect(decideAfterCall({ outcome: 'answered', attemptsMade: 1, maxAttempts: 5, policy: { answered: { enabled: true, delaySeconds: 1 } }, endedAt }))
      .toEqual({ kind: 'final', disposition: 'answered' });
  });
  it('when busy with attempts left, then it retries after the delay times the backoff', () => {
    const d = decideAfterCall({ outcome: 'busy', attemptsMade: 2, maxAttempts: 3, policy: { busy: { enabled: true, delaySeconds: 60, backoff: 2 } }, endedAt });
    expect(d).toEqual({ kind: 'retry', notBefore: new Date(endedAt.getTime() + 120_000) });
  });
  it('when attempts are used up, then the lead is exhausted', () => {
    expect(decideAfterCall({ outcome: 'no_answer', attemptsMade: 3, maxAttempts: 3, policy: {}, endedAt })).toEqual({ kind: 'final', disposition: 'exhausted' });
  });
  it('when retries for the outcome are off, then the outcome is final', () => {
    expect(decideAfterCall({ outcome: 'busy', attemptsMade: 1, maxAttempts: 3, policy: { busy: { enabled: false, delaySeconds: 0 } }, endedAt }))
      .toEqual({ kind: 'final', disposition: 'busy' });
  });
});

describe('calling window', () => {
  const w = { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5] };
  it('when it is 08:59 in New York, then the lead may not be called; at 09:00 it may', () => {
    // 2026-03-02 is a Monday; New York is UTC-5 then.
    expect(isCallableAt(w, ['America/New_York'], new Date('2026-03-02T13:59:00Z'))).toBe(false);
    expect(isCallableAt(w, ['America/New_York'], new Date('2026-03-02T14:00:00Z'))).toBe(true);
    expect(isCallableAt(w, ['America/New_York'], new Date('2026-03-03T00:59:00Z'))).toBe(true);
    expect(isCallableAt(w, ['America/New_York'], new Date('2026-03-03T01:00:00Z'))).toBe(false);
  });
  it('when a lead has two candidate zones, then both must be inside the window', () => {
    const at = new Date('2026-03-02T14:30:00Z'); // 09:30 New York, 06:30 Los Angeles
    expect(isCallableAt(w, ['America/New_York', 'America/Los_Angeles'], at)).toBe(false);
    expect(nextCallableAt(w, ['America/New_York', 'America/Los_Angeles'], at)).toEqual(new Date('2026-03-02T17:00:00Z'));
  });
  it('when the window is closed for the weekend, then the next opening is Monday 09:00 local', () => {
    const fridayNight = new Date('2026-03-07T02:00:00Z'); // Friday 21:00 in New York
    expect(nextCallableAt(w, ['America/New_York'], fridayNight)).toEqual(new Date('2026-03-09T13:00:00Z'));
  });
  it('when the clocks spring forward, then the opening follows local time, not a fixed offset', () => {
    // US DST starts 2026-03-08; Monday 2026-03-09 09:00 EDT is 13:00Z (the week before it was 14:00Z).
    expect(nextCallableAt(w, ['America/New_York'], new Date('2026-03-08T12:00:00Z'))).toEqual(new Date('2026-03-09T13:00:00Z'));
    // Arizona keeps no DST: 09:00 MST is 16:00Z on both Mondays.
    expect(nextCallableAt(w, ['America/Phoenix'], new Date('2026-03-01T12:00:00Z'))).toEqual(new Date('2026-03-02T16:00:00Z'));
    expect(nextCallableAt(w, ['America/Phoenix'], new Date('2026-03-08T12:00:00Z'))).toEqual(new Date('2026-03-09T16:00:00Z'));
  });
  it('when a window is malformed, then it says why', () => {
    expect(windowProblem({ start: '20:00', end: '09:00' })).toMatch(/after start/);
    expect(windowProblem({ start: '9am' })).toMatch(/HH:mm/);
    expect(windowProblem({ days: [0] })).toMatch(/weekdays/);
    expect(windowProblem({ start: '09:00', end: '17:00', days: [1] })).toBeNull();
  });
  it('when a lead has no valid zone of its own, then the campaign default is used', () => {
    expect(leadZones([], 'Asia/Kolkata')).toEqual(['Asia/Kolkata']);
    expect(leadZones(['Not/AZone'], 'Asia/Kolkata')).toEqual(['Asia/Kolkata']);
    expect(leadZones(['Europe/London'], 'Asia/Kolkata')).toEqual(['Europe/London']);
  });
});

describe('phone normalization', () => {
  it('when national numbers use the default country, then they become E.164', () => {
    expect(normalizePhone('(415) 555-2671', 'US')).toMatchObject({ ok: true, e164: '+14155552671' });
    expect(normalizePhone('98765 43210', 'IN')).toMatchObject({ ok: true, e164: '+919876543210' });
    expect(normalizePhone('+44 7911 123456', 'US')).toMatchObject({ ok: true, e164: '+447911123456' });
  });
  it('when a number is invalid, empty or premium-rate, then it is refused with the reason', () => {
    expect(normalizePhone('', 'US')).toEqual({ ok: false, reason: 'phone is empty' });
    expect(normalizePhone('12', 'US')).toMatchObject({ ok: false });
    expect(normalizePhone('abc', 'US')).toEqual({ ok: false, reason: 'phone has no digits' });
    expect(normalizePhone('+1 900 555 0199', 'US')).toMatchObject({ ok: false, reason: expect.stringMatching(/premium rate/) });
  });
});
