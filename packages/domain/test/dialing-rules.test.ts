import {
  decideAfterCall, effectiveNumberCap, isCallableAt, nextCallableAt, numberCapReleaseAt, resolveRulePack, rulePackForNumber,
  rulesForCallee, windowProblem,
} from '@dialer/domain';

describe('rule packs', () => {
  it('when a number is from a stricter US state, then its state pack applies; other US numbers get the federal pack; India the promotional one', () => {
    expect(rulePackForNumber('+13055550123')?.id).toBe('US-FL');
    expect(rulePackForNumber('+12145550123')?.id).toBe('US-TX');
    expect(rulePackForNumber('+14155552671')?.id).toBe('US');
    expect(rulePackForNumber('+919876543210')?.id).toBe('IN-PROMO');
    expect(rulePackForNumber('+447911123456')).toBeNull();
    expect(rulePackForNumber('+14165550123')).toBeNull(); // Toronto: not a US pack
  });

  it('when a campaign names a pack, then it replaces the country default but never a state floor', () => {
    expect(resolveRulePack('IN', '+919876543210')?.id).toBe('IN');
    expect(resolveRulePack('US', '+13055550123')?.id).toBe('US-FL');
    expect(resolveRulePack('IN', '+14155552671')?.id).toBe('US');
    expect(resolveRulePack('auto', '+14155552671')?.id).toBe('US');
  });

  it('when the campaign window is wider than the legal floor, then the floor wins (Florida 08:00–20:00)', () => {
    const w = { start: '07:00', end: '22:00' };
    const fl = rulesForCallee(w, '+13055550123');
    // 2026-03-02 (Monday), New York is UTC-5.
    expect(isCallableAt(fl, ['America/New_York'], new Date('2026-03-02T12:59:00Z'))).toBe(false); // 07:59
    expect(isCallableAt(fl, ['America/New_York'], new Date('2026-03-02T13:00:00Z'))).toBe(true); // 08:00
    expect(isCallableAt(fl, ['America/New_York'], new Date('2026-03-03T01:00:00Z'))).toBe(false); // 20:00
    const us = rulesForCallee(w, '+14155552671');
    expect(isCallableAt(us, ['America/New_York'], new Date('2026-03-03T01:00:00Z'))).toBe(true); // 20:00 < 21:00
  });

  it('when it is Sunday morning in Texas, then the next opening is noon', () => {
    const tx = rulesForCallee({ start: '08:00', end: '21:00' }, '+12145550123');
    // Sunday 2026-03-01 09:00 CST = 15:00Z.
    expect(nextCallableAt(tx, ['America/Chicago'], new Date('2026-03-01T15:00:00Z'))).toEqual(new Date('2026-03-01T18:00:00Z'));
  });
});

describe('campaign schedule', () => {
  it('when a weekday has two ranges, then the lunch break is closed and the afternoon opens on time', () => {
    const w = { ranges: { 1: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:00' }] } };
    expect(windowProblem(w)).toBeNull();
    expect(isCallableAt(w, ['UTC'], new Date('2026-03-02T12:30:00Z'))).toBe(false);
    expect(nextCallableAt(w, ['UTC'], new Date('2026-03-02T12:30:00Z'))).toEqual(new Date('2026-03-02T13:00:00Z'));
    // Tuesday has no range: next is Monday 09:00 a week later.
    expect(nextCallableAt(w, ['UTC'], new Date('2026-03-02T17:00:00Z'))).toEqual(new Date('2026-03-09T09:00:00Z'));
  });

  it('when a day is a holiday or a weekend with excludeWeekends, then nobody is called on it', () => {
    const w = { start: '09:00', end: '17:00', holidays: ['2026-03-02'], excludeWeekends: true };
    expect(isCallableAt(w, ['UTC'], new Date('2026-03-02T10:00:00Z'))).toBe(false);
    expect(nextCallableAt(w, ['UTC'], new Date('2026-02-28T10:00:00Z'))).toEqual(new Date('2026-03-03T09:00:00Z'));
  });

  it('when a window is malformed, then it says why', () => {
    expect(windowProblem({ ranges: { 8: [] } })).toMatch(/weekday/);
    expect(windowProblem({ ranges: { 1: [{ start: '10:00', end: '09:00' }] } })).toMatch(/after start/);
    expect(windowProblem({ holidays: ['2026-02-30'] })).toMatch(/date/);
    expect(windowProblem({ rulePack: 'XX' })).toMatch(/rule pack/);
    expect(windowProblem({ ranges: { 1: [{ start: '20:00', end: '24:00' }] } })).toBeNull();
  });
});

describe('retries and caps', () => {
  const endedAt = new Date('2026-03-02T15:00:00Z');
  it('when the callee opted out, then the lead is final whatever the policy', () => {
    expect(decideAfterCall({ outcome: 'opted_out', attemptsMade: 1, maxAttempts: 5, policy: { opted_out: { enabled: true, delaySeconds: 1 } }, endedAt }))
      .toEqual({ kind: 'final', disposition: 'opted_out' });
  });
  it('when each retryable outcome is enabled, then it retries after its own delay', () => {
    for (const outcome of ['busy', 'no_answer', 'voicemail', 'failed', 'provider_error', 'canceled'] as const) {
      const d = decideAfterCall({ outcome, attemptsMade: 1, maxAttempts: 3, policy: { [outcome]: { enabled: true, delaySeconds: 90 } }, endedAt });
      expect(d).toEqual({ kind: 'retry', notBefore: new Date(endedAt.getTime() + 90_000) });
    }
  });
  it('when a number had as many calls in 24 hours as the cap, then the next call waits until the oldest leaves the window', () => {
    const now = new Date('2026-03-02T15:00:00Z');
    const calls = [new Date('2026-03-01T16:00:00Z'), new Date('2026-03-02T10:00:00Z'), new Date('2026-03-02T14:00:00Z'), new Date('2026-03-01T14:00:00Z')];
    expect(numberCapReleaseAt(calls, 3, now)).toEqual(new Date('2026-03-02T16:00:00Z'));
    expect(numberCapReleaseAt(calls, 4, now)).toBeNull();
    expect(numberCapReleaseAt(calls, null, now)).toBeNull();
    expect(effectiveNumberCap(null, 3)).toBe(3);
    expect(effectiveNumberCap(2, 3)).toBe(2);
    expect(effectiveNumberCap(null, null)).toBeNull();
  });
});
