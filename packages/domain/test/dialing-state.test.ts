import { dialingState, type DialingInput } from '../src/dialing-state';

const NOW = new Date('2026-03-10T10:17:00Z'); // 03:17 in Los Angeles (PDT)
const base: DialingInput = {
  status: 'running', now: NOW, maxConcurrentCalls: 5, scheduledStartAt: null,
  leads: { total: 10, pending: 10, queued: 0, dialing: 0 }, liveCalls: 0, importRunning: false, dueNow: 0, next: null,
};

describe('dialingState: why a campaign is or is not calling', () => {
  const cases: Array<[string, Partial<DialingInput>, string, RegExp]> = [
    ['a draft', { status: 'draft' }, 'not_started', /^Draft: start the campaign/],
    ['a paused campaign', { status: 'paused' }, 'paused', /^Paused: resume .* \(10 leads left\)/],
    ['a completed campaign', { status: 'completed' }, 'finished', /completed: nobody more/],
    ['a stopped campaign', { status: 'stopped' }, 'finished', /stopped/],
    ['a scheduled campaign', { status: 'scheduled', scheduledStartAt: new Date('2026-03-11T16:00:00Z') }, 'scheduled', /^Scheduled: starts at Wed 11 Mar 16:00 UTC/],
    ['a running campaign without leads', { leads: { total: 0, pending: 0, queued: 0, dialing: 0 } }, 'no_leads', /^No leads yet/],
    ['a running campaign whose first import is running', { leads: { total: 0, pending: 0, queued: 0, dialing: 0 }, importRunning: true }, 'import_running', /import is running/],
    ['every slot busy', { liveCalls: 5, leads: { total: 10, pending: 5, queued: 0, dialing: 5 } }, 'at_limit', /all 5 call slots are busy/],
    ['the tenant at its limit with leads due', { liveCalls: 2, dueNow: 4, budgets: { tenant: { limit: 20, live: 20 } } }, 'at_limit', /^At the tenant's limit of 20: .*2 calls live here/],
    ['the provider account at its limit with leads queued', { liveCalls: 1, leads: { total: 10, pending: 6, queued: 3, dialing: 1 }, budgets: { connection: { limit: 8, live: 8 } } },
      'at_limit', /^At the provider account's limit of 8/],
    ['the tenant at its limit but nothing due here', { budgets: { tenant: { limit: 20, live: 20 } }, next: { at: new Date('2026-03-10T10:27:00Z'), leads: 1, windowClosedNow: false, zone: 'America/New_York' } },
      'waiting_for_retry', /^Waiting for retry delays/],
    ['calls live below the limit', { liveCalls: 2, leads: { total: 10, pending: 6, queued: 2, dialing: 2 } }, 'calling', /^Calling: 2 calls live, 2 leads about/],
    ['leads due now', { dueNow: 3 }, 'calling', /^Calling: 0 calls live, 3 leads/],
    ['the window closed', { next: { at: new Date('2026-03-10T16:00:00Z'), leads: 3, windowClosedNow: true, zone: 'America/Los_Angeles' } },
      'waiting_for_window', /^Waiting for calling hours: next leads callable at 09:00 America\/Los_Angeles \(16:00 UTC\), 3 leads\.$/],
    ['the window opens another day', { next: { at: new Date('2026-03-12T03:30:00Z'), leads: 1, windowClosedNow: true, zone: 'Asia/Kolkata' } },
      'waiting_for_window', /at Thu 12 Mar 09:00 Asia\/Kolkata \(12 Mar 03:30 UTC\), 1 lead\.$/],
    ['a retry delay', { next: { at: new Date('2026-03-10T10:27:00Z'), leads: 1, windowClosedNow: false, zone: 'America/New_York' } },
      'waiting_for_retry', /^Waiting for retry delays: next calls due at 06:27 America\/New_York/],
    ['nothing open', { leads: { total: 10, pending: 0, queued: 0, dialing: 0 } }, 'no_leads_due', /Every lead has ended/],
    ['nothing open, post-call reports awaited', { leads: { total: 10, pending: 0, queued: 0, dialing: 0 }, reportsAwaited: 2 }, 'waiting_for_reports', /waiting for the post-call reports of 2 calls/],
  ];
  it.each(cases)('when %s, then the state and its sentence say so', (_what, input, state, message) => {
    const d = dialingState({ ...base, ...input });
    expect(d.state).toBe(state);
    expect(d.message).toMatch(message);
  });

  it('when a shared budget holds the calls back, then limitedBy names its level', () => {
    expect(dialingState({ ...base, dueNow: 1, budgets: { tenant: { limit: 3, live: 3 } } }).limitedBy).toBe('tenant');
    expect(dialingState({ ...base, dueNow: 1, budgets: { connection: { limit: 3, live: 3 } } }).limitedBy).toBe('connection');
    expect(dialingState({ ...base, liveCalls: 5, leads: { total: 10, pending: 5, queued: 0, dialing: 5 } }).limitedBy).toBe('campaign');
    expect(dialingState({ ...base, dueNow: 1, budgets: { tenant: { limit: 3, live: 2 } } }).limitedBy).toBeNull();
  });

  it('when waiting, then the next moment and its lead count are data too', () => {
    const at = new Date('2026-03-10T16:00:00Z');
    expect(dialingState({ ...base, next: { at, leads: 3, windowClosedNow: true, zone: 'America/Los_Angeles' } }))
      .toMatchObject({ nextCallableAt: at, nextCallableLeads: 3 });
    expect(dialingState({ ...base, dueNow: 1 })).toMatchObject({ nextCallableAt: null, nextCallableLeads: 0 });
  });

  it('when callbacks are due within 24 hours, then the state counts them and its sentence says so; a finished campaign does not', () => {
    const d = dialingState({ ...base, dueNow: 1, callbacksDueSoon: 3 });
    expect(d).toMatchObject({ state: 'calling', callbacksDueSoon: 3 });
    expect(d.message).toMatch(/3 callbacks due within 24 hours\.$/);
    expect(dialingState({ ...base, dueNow: 1 })).toMatchObject({ callbacksDueSoon: 0 });
    expect(dialingState({ ...base, dueNow: 1 }).message).not.toMatch(/callback/);
    expect(dialingState({ ...base, status: 'stopped', callbacksDueSoon: 2 }).message).not.toMatch(/callback/);
  });
});
