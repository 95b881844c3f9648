import fc from 'fast-check';
import { getCountries, getCountryCallingCode } from 'libphonenumber-js/max';
import { normalizePhone, normalizePhoneExact } from '@dialer/domain';

describe('phone normalization', () => {
  it('when numbers are short codes, too long, premium rate or shared cost, then each is refused with its reason', () => {
    expect(normalizePhone('611', 'US')).toEqual({ ok: false, reason: 'phone is a short code or too short to dial' });
    expect(normalizePhone('415 555 26', 'US')).toEqual({ ok: false, reason: 'phone is too short' });
    expect(normalizePhone('+1 415 555 267111', 'US')).toEqual({ ok: false, reason: 'phone is too long' });
    expect(normalizePhone('+1 900 555 0199', 'US')).toEqual({ ok: false, reason: 'phone is a non-dialable premium rate number' });
    expect(normalizePhone('0810 12 34 56', 'FR')).toEqual({ ok: false, reason: 'phone is a non-dialable shared cost number' });
    expect(normalizePhone('+1 415 155 2671', 'US')).toEqual({ ok: false, reason: 'phone is not a valid number' });
    expect(normalizePhone('=HYPERLINK("x")', 'US')).toEqual({ ok: false, reason: 'phone has no digits' });
  });

  it('when a valid US number is written in any common format, then it normalizes to the same E.164', () => {
    const fmt = fc.constantFrom(
      (a: string, b: string, c: string) => `(${a}) ${b}-${c}`,
      (a: string, b: string, c: string) => `+1 ${a} ${b} ${c}`,
      (a: string, b: string, c: string) => `1-${a}-${b}-${c}`,
      (a: string, b: string, c: string) => `${a}.${b}.${c}`,
      (a: string, b: string, c: string) => ` ${a}${b}${c} `,
    );
    fc.assert(fc.property(fmt, fc.constantFrom('415', '212', '312', '646'), fc.integer({ min: 200, max: 999 }), fc.integer({ min: 0, max: 9999 }),
      (f, area, exch, line) => {
        const b = String(exch);
        const c = String(line).padStart(4, '0');
        const r = normalizePhone(f(area, b, c), 'US');
        const plain = normalizePhone(`+1${area}${b}${c}`, 'US');
        expect(r).toEqual(plain);
      }), { numRuns: 300 });
  });

  it('when given any string, then it never throws and an accepted number is E.164', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), fc.constantFrom('US', 'IN', 'GB'), (s, country) => {
      const r = normalizePhone(s, country);
      if (r.ok) expect(r.e164).toMatch(/^\+[1-9]\d{6,14}$/);
    }), { numRuns: 500 });
  });
  it('when a number has a North American shape, then the fast path answers exactly as libphonenumber-js does', () => {
    const nanp = getCountries().filter((c) => getCountryCallingCode(c) === '1');
    const shape = fc.constantFrom(
      (a: string, b: string, c: string) => `(${a}) ${b}-${c}`,
      (a: string, b: string, c: string) => `+1 ${a} ${b} ${c}`,
      (a: string, b: string, c: string) => `1-${a}-${b}-${c}`,
      (a: string, b: string, c: string) => `${a}.${b}.${c}`,
      (a: string, b: string, c: string) => `${a}${b}${c}`,
      (a: string, b: string, c: string) => `+1(${a})${b}-${c}`,
      (a: string, b: string, c: string) => `1 ${a} ${b}${c}`,
    );
    const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
    fc.assert(fc.property(shape, digits(3), digits(3), digits(4), fc.constantFrom(...nanp, 'GB', 'IN', 'FR', 'MX'),
      (f, a, b, c, country) => {
        const text = f(a, b, c);
        expect(normalizePhone(text, country)).toEqual(normalizePhoneExact(text, country));
      }), { numRuns: 5000 });
  });

  it('when given any string of phone-like characters, then normalizePhone and the library agree', () => {
    const chars = fc.string({ unit: fc.constantFrom(...'0123456789+-(). 1'), maxLength: 20 });
    fc.assert(fc.property(chars, fc.constantFrom('US', 'CA', 'IN', 'GB'), (s, country) => {
      expect(normalizePhone(s, country)).toEqual(normalizePhoneExact(s, country));
    }), { numRuns: 3000 });
  });
});
