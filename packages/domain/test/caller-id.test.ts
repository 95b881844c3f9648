import { callerIdCandidates, callerIdFlag, nanpRegion, type CallerIdCall, type PoolNumber } from '../src/caller-id';

const num = (number: string, extra: Partial<PoolNumber> = {}): PoolNumber =>
  ({ number, isDefault: false, paused: false, dailyCap: null, cooldownSeconds: 0, ...extra });

const tiers = (pool: PoolNumber[], callee: string) =>
  callerIdCandidates(pool, callee).map((t) => ({ tier: t.tier, numbers: t.numbers.map((n) => n.number) }));

describe('caller-id candidates (local presence)', () => {
  test('when the pool has a number with the callee\'s area code, then it is the first tier', () => {
    const pool = [num('+12125550100'), num('+14155550100'), num('+13105550100')];
    expect(tiers(pool, '+14155551234')[0]).toEqual({ tier: 'area_code', numbers: ['+14155550100'] });
  });

  test('when no number has the area code, then numbers of the callee\'s state come next, then the default', () => {
    // 415 (San Francisco) and 310 (Los Angeles) are both California; 212 is New York.
    expect(nanpRegion('+14155551234')).toBe('CA');
    expect(nanpRegion('+13105551234')).toBe('CA');
    expect(nanpRegion('+12125551234')).toBe('NY');
    expect(nanpRegion('+12015551234')).toBe('NJ');
    expect(nanpRegion('+14165551234')).toBe('ON');
    const pool = [num('+12125550100', { isDefault: true }), num('+13105550100')];
    expect(tiers(pool, '+14155551234')).toEqual([
      { tier: 'region', numbers: ['+13105550100'] },
      { tier: 'default', numbers: ['+12125550100'] },
    ]);
  });

  test('when no number is marked default, then the default tier is the whole pool; paused numbers are never candidates', () => {
    const pool = [num('+12125550100'), num('+12125550101', { paused: true }), num('+17185550100')];
    expect(tiers(pool, '+13125551234')).toEqual([{ tier: 'default', numbers: ['+12125550100', '+17185550100'] }]);
    expect(tiers([num('+12125550101', { paused: true })], '+12125551234')).toEqual([]);
  });

  test('when the callee is outside NANP, then the numbers with the longest common prefix beyond the country code are local', () => {
    const pool = [num('+912240001111'), num('+912240002222'), num('+918040001111'), num('+442071234567')];
    expect(tiers(pool, '+912249998888')[0]).toEqual({ tier: 'area_code', numbers: ['+912240001111', '+912240002222'] });
    expect(tiers(pool, '+918041112222')[0]).toEqual({ tier: 'area_code', numbers: ['+918040001111'] });
    // Only the country code in common: not local.
    expect(tiers(pool, '+913312345678').map((t) => t.tier)).toEqual(['default']);
  });
});

describe('caller-id flag rule', () => {
  const calls = (n: number, f: (i: number) => CallerIdCall): CallerIdCall[] => Array.from({ length: n }, (_, i) => f(i));

  test('when a number has made fewer than 20 calls, then it is never flagged', () => {
    expect(callerIdFlag(calls(19, () => ({ connected: false, talkSeconds: null })))).toBeNull();
  });

  test('when fewer than 15 % of its last 20 calls connected, then it is flagged low_connect_rate', () => {
    expect(callerIdFlag(calls(20, (i) => ({ connected: i < 2, talkSeconds: 60 })))).toBe('low_connect_rate');
    expect(callerIdFlag(calls(20, (i) => ({ connected: i < 3, talkSeconds: 60 })))).toBeNull();
  });

  test('when the median talk of its connected calls is under 10 s, then it is flagged short_calls; older calls do not count', () => {
    expect(callerIdFlag(calls(20, (i) => ({ connected: true, talkSeconds: i < 11 ? 4 : 120 })))).toBe('short_calls');
    expect(callerIdFlag(calls(20, (i) => ({ connected: true, talkSeconds: i < 10 ? 4 : 120 })))).toBeNull();
    const recentGood = [...calls(20, () => ({ connected: true, talkSeconds: 45 })), ...calls(30, () => ({ connected: false, talkSeconds: null }))];
    expect(callerIdFlag(recentGood)).toBeNull();
  });
});
