import {
  attemptTransition, awaitsAttempt, dueFrom, rulesForCallee, settleLead, windowAtDial,
  type AttemptTransition, type AttemptUpdate, type CallStatus, type LeadSettlement, type SettleLeadInput,
} from '@dialer/domain';

// 2026-03-02 is a Monday; Los Angeles is UTC-8 until 2026-03-08. The callee is a California number
// (US federal pack 08:00–21:00) under the default campaign window 09:00–20:00.
const LA_NUMBER = '+14155552671';
const z = (iso: string) => new Date(iso);

describe('attemptTransition: what a call attempt becomes after an update', () => {
  const cases: Array<[string, { status: CallStatus; providerCallId: string | null }, AttemptUpdate, AttemptTransition]> = [
    ['queued → ringing moves forward', { status: 'queued', providerCallId: null }, { status: 'ringing', providerCallId: 'CA1' },
      { kind: 'progress', status: 'ringing' }],
    ['ringing → in_progress moves forward', { status: 'ringing', providerCallId: 'CA1' }, { status: 'in_progress', providerCallId: 'CA1' },
      { kind: 'progress', status: 'in_progress' }],
    ['in_progress → completed ends with the outcome', { status: 'in_progress', providerCallId: 'CA1' }, { status: 'completed', outcome: 'answered' },
      { kind: 'end', status: 'completed', outcome: 'answered' }],
    ['initiated → busy ends it', { status: 'initiated', providerCallId: null }, { status: 'busy', outcome: 'busy' },
      { kind: 'end', status: 'busy', outcome: 'busy' }],
    ['a terminal status without an outcome ends as failed', { status: 'ringing', providerCallId: null }, { status: 'failed' },
      { kind: 'end', status: 'failed', outcome: 'failed' }],
    ['a late ringing after completed is ignored', { status: 'completed', providerCallId: 'CA1' }, { status: 'ringing', providerCallId: 'CA1' },
      { kind: 'ignore', reason: 'not_forward' }],
    ['a late in_progress after ringing→completed is ignored', { status: 'completed', providerCallId: null }, { status: 'in_progress' },
      { kind: 'ignore', reason: 'not_forward' }],
    ['a duplicate ringing is a no-op', { status: 'ringing', providerCallId: 'CA1' }, { status: 'ringing', providerCallId: 'CA1' },
      { kind: 'ignore', reason: 'not_forward' }],
    ['a duplicate terminal status is a no-op', { status: 'busy', providerCallId: 'CA1' }, { status: 'busy', outcome: 'busy' },
      { kind: 'ignore', reason: 'not_forward' }],
    ['nothing changes a terminal attempt', { status: 'failed', providerCallId: null }, { status: 'completed', outcome: 'answered' },
      { kind: 'ignore', reason: 'not_forward' }],
    ['in_progress → ringing goes backwards: ignored', { status: 'in_progress', providerCallId: 'CA1' }, { status: 'ringing' },
      { kind: 'ignore', reason: 'not_forward' }],
    ['an update naming another provider call is refused', { status: 'ringing', providerCallId: 'CA1' }, { status: 'completed', providerCallId: 'CA2', outcome: 'answered' },
      { kind: 'ignore', reason: 'other_call' }],
    ['another call is refused even when stale', { status: 'completed', providerCallId: 'CA1' }, { status: 'ringing', providerCallId: 'CA2' },
      { kind: 'ignore', reason: 'other_call' }],
    ['the first update naming a call id is the attempt\'s own', { status: 'queued', providerCallId: null }, { status: 'completed', providerCallId: 'CA9', outcome: 'voicemail' },
      { kind: 'end', status: 'completed', outcome: 'voicemail' }],
  ];
  test.each(cases)('when %s', (_name, current, update, expected) => {
    expect(attemptTransition(current, update)).toEqual(expected);
  });
});

describe('settleLead: what follows a terminal outcome for the lead', () => {
  const base: SettleLeadInput = {
    outcome: 'busy',
    attemptNo: 1,
    endedAt: z('2026-03-02T18:00:00Z'), // 10:00 in Los Angeles
    lead: { status: 'dialing', attempts: 1 },
    campaign: { status: 'running', maxAttempts: 3, retryPolicy: null, callingWindow: null, defaultTimezone: 'America/Los_Angeles' },
    callee: { phoneE164: LA_NUMBER, timezones: ['America/Los_Angeles'] },
  };
  type Change = {
    outcome?: SettleLeadInput['outcome']; attemptNo?: number; endedAt?: Date;
    lead?: Partial<SettleLeadInput['lead']>; campaign?: Partial<SettleLeadInput['campaign']>; callee?: Partial<SettleLeadInput['callee']>;
  };
  const input = (c: Change): SettleLeadInput => ({
    ...base, ...(c.outcome && { outcome: c.outcome }), ...(c.attemptNo !== undefined && { attemptNo: c.attemptNo }),
    ...(c.endedAt && { endedAt: c.endedAt }),
    lead: { ...base.lead, ...c.lead }, campaign: { ...base.campaign, ...c.campaign }, callee: { ...base.callee, ...c.callee },
  });

  const cases: Array<[string, Change, LeadSettlement]> = [
    ['busy with attempts left, window open after the delay → retry after the 15-minute delay', {},
      { lead: { kind: 'retry', disposition: 'busy', at: z('2026-03-02T18:15:00Z') }, addToDnc: false }],
    ['busy with attempts left at 19:50 → retry at the window opening (09:00 next day), later than the delay',
      { endedAt: z('2026-03-03T03:50:00Z') },
      { lead: { kind: 'retry', disposition: 'busy', at: z('2026-03-03T17:00:00Z') }, addToDnc: false }],
    ['no_answer with attempts left → retry after the hour', { outcome: 'no_answer' },
      { lead: { kind: 'retry', disposition: 'no_answer', at: z('2026-03-02T19:00:00Z') }, addToDnc: false }],
    ['the campaign\'s own delay and backoff: 10 min × 2^(2-1) at the second attempt',
      { attemptNo: 2, lead: { attempts: 2 }, campaign: { retryPolicy: { busy: { enabled: true, delaySeconds: 600, backoff: 2 } } } },
      { lead: { kind: 'retry', disposition: 'busy', at: z('2026-03-02T18:20:00Z') }, addToDnc: false }],
    ['busy at max attempts → final, exhausted', { attemptNo: 3, lead: { attempts: 3 } },
      { lead: { kind: 'final', disposition: 'exhausted' }, addToDnc: false }],
    ['busy when the policy does not retry busy → final busy', { campaign: { retryPolicy: { busy: { enabled: false, delaySeconds: 0 } } } },
      { lead: { kind: 'final', disposition: 'busy' }, addToDnc: false }],
    ['completed conversation → final answered', { outcome: 'answered' },
      { lead: { kind: 'final', disposition: 'answered' }, addToDnc: false }],
    ['invalid number → final even if the policy would retry it',
      { outcome: 'invalid_number', campaign: { retryPolicy: { invalid_number: { enabled: true, delaySeconds: 60 } } } },
      { lead: { kind: 'final', disposition: 'invalid_number' }, addToDnc: false }],
    ['opted_out → final and the number onto DNC', { outcome: 'opted_out' },
      { lead: { kind: 'final', disposition: 'opted_out' }, addToDnc: true }],
    ['opted_out on an attempt the lead moved past → lead unchanged, number still onto DNC',
      { outcome: 'opted_out', lead: { status: 'pending', attempts: 2 } },
      { lead: { kind: 'unchanged' }, addToDnc: true }],
    ['campaign stopped during the call, busy → final, stopped', { campaign: { status: 'stopped' } },
      { lead: { kind: 'final', disposition: 'stopped' }, addToDnc: false }],
    ['campaign cancelled during the call, no_answer → final, stopped', { outcome: 'no_answer', campaign: { status: 'cancelled' } },
      { lead: { kind: 'final', disposition: 'stopped' }, addToDnc: false }],
    ['campaign stopped, but the call was answered → final answered (the outcome wins)', { outcome: 'answered', campaign: { status: 'stopped' } },
      { lead: { kind: 'final', disposition: 'answered' }, addToDnc: false }],
    ['campaign paused during the call → retry as usual (the feeder waits for resume)', { campaign: { status: 'paused' } },
      { lead: { kind: 'retry', disposition: 'busy', at: z('2026-03-02T18:15:00Z') }, addToDnc: false }],
    ['no calling window within 366 days → final, exhausted', { campaign: { callingWindow: { days: [] } } },
      { lead: { kind: 'final', disposition: 'exhausted' }, addToDnc: false }],
    ['zone uncertain (New York or Los Angeles) at 08:30 New York → retry when both are open (09:00 Los Angeles)',
      { endedAt: z('2026-03-02T13:30:00Z'), callee: { timezones: ['America/New_York', 'America/Los_Angeles'] } },
      { lead: { kind: 'retry', disposition: 'busy', at: z('2026-03-02T17:00:00Z') }, addToDnc: false }],
    ['callee without zones → the campaign\'s default zone (Tokyo: 03:00 → retry at 09:00 Tokyo)',
      { callee: { timezones: [] }, campaign: { defaultTimezone: 'Asia/Tokyo' } },
      { lead: { kind: 'retry', disposition: 'busy', at: z('2026-03-03T00:00:00Z') }, addToDnc: false }],
    ['a late outcome of an earlier attempt (the lead dials attempt 2) → lead unchanged', { attemptNo: 1, lead: { attempts: 2 } },
      { lead: { kind: 'unchanged' }, addToDnc: false }],
    ['an outcome for a lead no longer dialing (settled by hand) → lead unchanged', { lead: { status: 'done' } },
      { lead: { kind: 'unchanged' }, addToDnc: false }],
  ];
  test.each(cases)('when %s', (_name, change, expected) => {
    expect(settleLead(input(change))).toEqual(expected);
  });
});

describe('windowAtDial and dueFrom: "not now" at the moment of dialing', () => {
  const rules = rulesForCallee({}, LA_NUMBER);
  const la = ['America/Los_Angeles'];
  const hour = 3600_000;

  const cases: Array<[string, Date, number, ReturnType<typeof windowAtDial>]> = [
    ['the window is open → dial now', z('2026-03-02T18:00:00Z'), hour, null],
    ['it opens in 30 minutes, the dialer may wait an hour → wait for the exact opening', z('2026-03-02T16:30:00Z'), hour,
      { kind: 'wait', until: z('2026-03-02T17:00:00Z') }],
    ['it opens in 13 hours → back to pending, due at the opening', z('2026-03-03T04:00:00Z'), hour,
      { kind: 'pending', at: z('2026-03-03T17:00:00Z') }],
  ];
  test.each(cases)('when %s', (_name, now, maxWaitMs, expected) => {
    expect(windowAtDial(rules, la, now, maxWaitMs)).toEqual(expected);
  });

  test('when no window opens within a year, then the lead is done as no_window', () => {
    expect(windowAtDial(rulesForCallee({ days: [] }, LA_NUMBER), la, z('2026-03-02T18:00:00Z'), hour))
      .toEqual({ kind: 'final', disposition: 'no_window' });
    expect(dueFrom(rulesForCallee({ days: [] }, LA_NUMBER), la, z('2026-03-02T18:00:00Z'))).toEqual({ kind: 'final', disposition: 'no_window' });
  });

  test('when a number cap releases inside the window, then due then; at night, then due at the next opening', () => {
    expect(dueFrom(rules, la, z('2026-03-02T18:05:00Z'))).toEqual({ kind: 'pending', at: z('2026-03-02T18:05:00Z') });
    expect(dueFrom(rules, la, z('2026-03-03T06:00:00Z'))).toEqual({ kind: 'pending', at: z('2026-03-03T17:00:00Z') });
  });
});

describe('awaitsAttempt: may a dial job for attempt n go ahead', () => {
  const cases: Array<[string, { status: 'pending' | 'queued' | 'dialing' | 'done'; attempts: number }, number, boolean]> = [
    ['the lead is queued with the attempts before it', { status: 'queued', attempts: 1 }, 2, true],
    ['the first attempt of a fresh queued lead', { status: 'queued', attempts: 0 }, 1, true],
    ['a redelivered job: the lead is dialing it already', { status: 'dialing', attempts: 2 }, 2, false],
    ['an overtaken job: the lead has made that attempt', { status: 'queued', attempts: 2 }, 2, false],
    ['the lead went back to pending', { status: 'pending', attempts: 1 }, 2, false],
    ['the lead is done', { status: 'done', attempts: 1 }, 2, false],
  ];
  test.each(cases)('when %s', (_name, lead, attemptNo, expected) => {
    expect(awaitsAttempt(lead, attemptNo)).toBe(expected);
  });
});
