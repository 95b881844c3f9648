import {
  DELIVERY_GIVE_UP_MS, deliveryGivenUp, deliveryRetryDelayMs, endpointFailedTooLong, endpointWants,
} from '../src/outbound-events';

describe('outbound events: who wants what, and when a failed delivery is tried again', () => {
  it('when an endpoint lists types and maybe campaigns, then it wants exactly those types of those campaigns (every campaign without a filter)', () => {
    const all = { eventTypes: ['call.ended'], campaignIds: null };
    const one = { eventTypes: ['call.ended'], campaignIds: ['a'] };
    expect(endpointWants(all, 'call.ended', 'x')).toBe(true);
    expect(endpointWants(all, 'call.ended', null)).toBe(true);
    expect(endpointWants(all, 'lead.completed', 'x')).toBe(false);
    expect(endpointWants(one, 'call.ended', 'a')).toBe(true);
    expect(endpointWants(one, 'call.ended', 'b')).toBe(false);
    expect(endpointWants(one, 'call.ended', null)).toBe(false);
    expect(endpointWants({ eventTypes: ['call.ended'], campaignIds: [] }, 'call.ended', 'b')).toBe(true);
  });

  it('when retries follow one another, then each waits about twice the last (half fixed, half jitter) up to 6 h, and 3 days of them end the delivery', () => {
    expect(deliveryRetryDelayMs(1, 0)).toBe(2_500);
    expect(deliveryRetryDelayMs(1, 0.999_999)).toBe(5_000);
    expect(deliveryRetryDelayMs(2, 0.5)).toBe(7_500);
    expect(deliveryRetryDelayMs(30, 1)).toBe(6 * 3600_000);
    expect(deliveryRetryDelayMs(3, 0, 10)).toBe(20);
    let waited = 0;
    let attempt = 1;
    while (waited < DELIVERY_GIVE_UP_MS) waited += deliveryRetryDelayMs(attempt++, 0);
    // The job's attempt budget (60) outlasts 3 days even with the shortest jitter, so time is what ends it.
    expect(attempt).toBeLessThan(60);
    const start = new Date('2026-03-01T00:00:00Z');
    expect(deliveryGivenUp(start, new Date(start.getTime() + DELIVERY_GIVE_UP_MS - 1))).toBe(false);
    expect(deliveryGivenUp(start, new Date(start.getTime() + DELIVERY_GIVE_UP_MS))).toBe(true);
    expect(endpointFailedTooLong(null, new Date())).toBe(false);
    expect(endpointFailedTooLong(start, new Date(start.getTime() + DELIVERY_GIVE_UP_MS))).toBe(true);
  });
});
