import { localTimeIn, scheduleCallback, settleLeadWithCallback, type CallbackDecision, type CallbackRequest, type SettleLeadInput } from '@dialer/domain';

// 2026-03-02 is a Monday; Los Angeles is UTC-8 until 2026-03-08. The callee is a California number
// (US federal pack 08:00–21:00) under the default campaign window 09:00–20:00.
const LA_NUMBER = '+14155552671';
const z = (iso: string) => new Date(iso);

describe('scheduleCallback: whether and when a lead takes a requested callback', () => {
  const base: CallbackRequest = {
    requestedAt: z('2026-03-02T22:00:00Z'), // 14:00 in Los Angeles
    now: z('2026-03-02T18:00:00Z'),
    lead: { status: 'pending', attempts: 1, disposition: 'busy' },
    onDnc: false,
    campaign: { status: 'running', maxAttempts: 3, callingWindow: null, defaultTimezone: 'America/Los_Angeles' },
    callee: { phoneE164: LA_NUMBER, timezones: ['America/Los_Angeles'] },
  };
  type Change = {
    requestedAt?: Date; now?: Date; onDnc?: boolean; lead?: Partial<CallbackRequest['lead']>;
    campaign?: Partial<CallbackRequest['campaign']>; callee?: Partial<CallbackRequest['callee']>;
  };
  const input = (c: Change): CallbackRequest => ({
    ...base, ...c, lead: { ...base.lead, ...c.lead }, campaign: { ...base.campaign, ...c.campaign }, callee: { ...base.callee, ...c.callee },
  });
  const refused = (reason: string) => expect.objectContaining({ kind: 'refused', reason });

  const cases: Array<[string, Change, CallbackDecision | ReturnType<typeof refused>]> = [
    ['a pending lead, inside the window: due at the requested time', {},
      { kind: 'scheduled', at: z('2026-03-02T22:00:00Z'), moved: null }],
    ['a time after the window closes (21:30 local): moved to the next opening, 09:00 the next day', { requestedAt: z('2026-03-03T05:30:00Z') },
      { kind: 'scheduled', at: z('2026-03-03T17:00:00Z'), moved: 'outside_window' }],
    ['a time on a weekend under a weekdays-only window: moved to Monday 09:00',
      { requestedAt: z('2026-03-07T20:00:00Z'), campaign: { callingWindow: { excludeWeekends: true } } },
      { kind: 'scheduled', at: z('2026-03-09T16:00:00Z'), moved: 'outside_window' }],
    ['a campaign window wider than the legal floor (07:00–22:00): still 08:00 local at the earliest',
      { requestedAt: z('2026-03-03T15:10:00Z'), campaign: { callingWindow: { start: '07:00', end: '22:00' } } },
      { kind: 'scheduled', at: z('2026-03-03T16:00:00Z'), moved: 'outside_window' }],
    ['a past time inside the window: as soon as allowed (now)', { requestedAt: z('2026-03-02T17:00:00Z') },
      { kind: 'scheduled', at: z('2026-03-02T18:00:00Z'), moved: 'in_the_past' }],
    ['a done lead with attempts left (answered, asked to be called back): reopened',
      { lead: { status: 'done', disposition: 'answered' } }, { kind: 'scheduled', at: z('2026-03-02T22:00:00Z'), moved: null }],
    ['a paused campaign keeps the callback for when it runs', { campaign: { status: 'paused' } },
      { kind: 'scheduled', at: z('2026-03-02T22:00:00Z'), moved: null }],
    ['a lead with no attempts left: refused (the cap is the rule)', { lead: { attempts: 3 } }, refused('no_attempts_left')],
    ['a queued lead: refused', { lead: { status: 'queued' } }, refused('lead_in_call')],
    ['a dialing lead: refused', { lead: { status: 'dialing' } }, refused('lead_in_call')],
    ['a number on a DNC list: refused', { onDnc: true }, refused('dnc')],
    ['a done lead that opted out: refused', { lead: { status: 'done', disposition: 'opted_out' } }, refused('lead_not_callable')],
    ['a done lead with an invalid number: refused', { lead: { status: 'done', disposition: 'invalid_number' } }, refused('lead_not_callable')],
    ['a stopped campaign: refused', { campaign: { status: 'stopped' } }, refused('campaign_over')],
    ['a completed campaign: refused', { campaign: { status: 'completed' } }, refused('campaign_over')],
    ['a callee whose window never opens: refused', { campaign: { callingWindow: { days: [] } } }, refused('no_window')],
  ];
  test.each(cases)('when %s', (_name, change, expected) => {
    expect(scheduleCallback(input(change))).toEqual(expected);
  });
});

describe('localTimeIn: the callee\'s wall-clock time', () => {
  test('when the zone is Los Angeles in winter, then the time carries -08:00', () => {
    expect(localTimeIn(z('2026-03-02T22:00:00Z'), 'America/Los_Angeles')).toBe('2026-03-02T14:00:00-08:00');
  });
  test('when the zone is Kolkata, then the time carries +05:30', () => {
    expect(localTimeIn(z('2026-03-02T22:00:00Z'), 'Asia/Kolkata')).toBe('2026-03-03T03:30:00+05:30');
  });
});

describe('settleLeadWithCallback: a call\'s end that asks for a callback', () => {
  const base: SettleLeadInput = {
    outcome: 'answered', attemptNo: 1, endedAt: z('2026-03-02T18:00:00Z'),
    lead: { status: 'dialing', attempts: 1 },
    campaign: { status: 'running', maxAttempts: 3, retryPolicy: null, callingWindow: null, defaultTimezone: 'America/Los_Angeles' },
    callee: { phoneE164: LA_NUMBER, timezones: ['America/Los_Angeles'] },
  };
  const cases: Array<[string, Partial<SettleLeadInput>, Date | null, { lead: unknown; moved?: string | null; refused?: string | null }]> = [
    ['an answered call asking for 14:00 local: pending then instead of done', {}, z('2026-03-02T22:00:00Z'),
      { lead: { kind: 'retry', disposition: 'answered', at: z('2026-03-02T22:00:00Z') }, moved: null }],
    ['a busy call asking for 22:30 local: the next opening, not the retry delay', { outcome: 'busy' }, z('2026-03-03T06:30:00Z'),
      { lead: { kind: 'retry', disposition: 'busy', at: z('2026-03-03T17:00:00Z') }, moved: 'outside_window' }],
    ['the last attempt: refused, the lead ends as without it', { lead: { status: 'dialing', attempts: 3 }, attemptNo: 3 }, z('2026-03-02T22:00:00Z'),
      { lead: { kind: 'final', disposition: 'answered' }, refused: 'no_attempts_left' }],
    ['an opt-out (its number goes onto the DNC list): refused', { outcome: 'opted_out' }, z('2026-03-02T22:00:00Z'),
      { lead: { kind: 'final', disposition: 'opted_out' }, refused: 'dnc' }],
    ['no callback asked: settleLead', {}, null, { lead: { kind: 'final', disposition: 'answered' }, refused: null }],
    ['not the lead\'s current attempt: unchanged', { attemptNo: 2 }, z('2026-03-02T22:00:00Z'), { lead: { kind: 'unchanged' }, refused: null }],
  ];
  test.each(cases)('when %s', (_name, change, callbackAt, expected) => {
    const s = settleLeadWithCallback({ ...base, ...change }, callbackAt);
    expect(s.lead).toEqual(expected.lead);
    if (expected.moved !== undefined) expect(s.callback).toMatchObject({ requestedAt: callbackAt, moved: expected.moved });
    else expect(s.callback).toBeNull();
    if (expected.refused !== undefined) expect(s.callbackRefused).toBe(expected.refused);
  });
});
