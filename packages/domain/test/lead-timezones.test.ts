import fc from 'fast-check';
import {
  isValidZone, leadTimezones, zonesForCountry, zonesForNumber, zonesForPostalCode, zonesForState, zonesForTimezone,
} from '@dialer/domain';

describe('lead time zones', () => {
  it('when the row names an IANA zone or a common abbreviation, then that zone wins over everything else', () => {
    expect(leadTimezones({ timezone: 'Europe/Berlin', state: 'CA', e164: '+14155552671' })).toEqual({ zones: ['Europe/Berlin'], source: 'timezone' });
    expect(zonesForTimezone('PST')).toEqual(['America/Los_Angeles']);
    expect(zonesForTimezone('Eastern')).toEqual(['America/New_York']);
    expect(zonesForTimezone('Mars/Olympus')).toEqual([]);
  });

  it('when the time zone is not recognised, then the state decides; multi-zone states give every zone', () => {
    expect(leadTimezones({ timezone: 'somewhere', state: 'California', e164: '+12125551234' })).toEqual({ zones: ['America/Los_Angeles'], source: 'state' });
    expect(zonesForState('TX')).toEqual(['America/Chicago', 'America/Denver']);
    expect(zonesForState('on', 'CA')).toEqual(['America/Toronto', 'America/Winnipeg']);
    expect(zonesForState('Queensland', 'AU')).toEqual(['Australia/Brisbane']);
    expect(zonesForState('XX')).toEqual([]);
  });

  it('when only a US ZIP code is given, then its three-digit prefix gives the state (El Paso pinned to Mountain)', () => {
    expect(leadTimezones({ postalCode: '10001', e164: '+14155552671' })).toEqual({ zones: ['America/New_York'], source: 'postal_code' });
    expect(zonesForPostalCode('94105-1234')).toEqual(['America/Los_Angeles']);
    expect(zonesForPostalCode('79901')).toEqual(['America/Denver']);
    expect(zonesForPostalCode('SW1A 1AA', 'GB')).toEqual([]);
  });

  it('when the row has no hints, then the number prefix gives the zone (area code level in North America)', () => {
    expect(leadTimezones({ e164: '+14155552671', country: 'US' })).toEqual({ zones: ['America/Los_Angeles'], source: 'number' });
    expect(zonesForNumber('+12125551234')).toEqual(['America/New_York']);
    expect(zonesForNumber('+919876543210')).toHaveLength(1);
    expect(zonesForNumber('+447911123456')).toContain('Europe/London');
  });

  it('when there is no number either, then the country gives its zones', () => {
    expect(leadTimezones({ country: 'US' }).source).toBe('country');
    expect(zonesForCountry('US')).toContain('America/Chicago');
    expect(zonesForCountry('DE')).toEqual(['Europe/Berlin']);
    expect(leadTimezones({})).toEqual({ zones: [], source: 'none' });
  });

  it('when any hints are given, then every returned zone is a valid IANA zone and the list is never empty with a country', () => {
    fc.assert(fc.property(
      fc.record({
        timezone: fc.option(fc.constantFrom('PST', 'Asia/Kolkata', 'junk', ''), { nil: undefined }),
        state: fc.option(fc.constantFrom('TX', 'ny', 'Ontario', 'zz'), { nil: undefined }),
        postalCode: fc.option(fc.stringMatching(/^\d{5}$/), { nil: undefined }),
        e164: fc.option(fc.stringMatching(/^\+[1-9]\d{7,12}$/), { nil: undefined }),
        country: fc.constantFrom('US', 'IN', 'GB', 'CA', 'AU'),
      }),
      (h) => {
        const r = leadTimezones(h);
        expect(r.zones.length).toBeGreaterThan(0);
        for (const z of r.zones) expect(isValidZone(z)).toBe(true);
      },
    ), { numRuns: 300 });
  });
});
