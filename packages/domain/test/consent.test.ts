import { consentMeets, consentRefusal } from '../src/consent';

describe('consent strength', () => {
  it('when nothing is required, then any lead (even without a record) meets it', () => {
    expect(consentMeets(null, null)).toBe(true);
    expect(consentMeets(null, 'none')).toBe(true);
  });

  it('when express is required, then express_written and express meet it, weaker or revoked ones do not', () => {
    expect(consentMeets({ type: 'express_written', revoked: false }, 'express')).toBe(true);
    expect(consentMeets({ type: 'express', revoked: false }, 'express')).toBe(true);
    expect(consentRefusal({ type: 'existing_business_relationship', revoked: false }, 'express'))
      .toBe('existing_business_relationship consent is weaker than the express consent the campaign requires');
    expect(consentRefusal({ type: 'express_written', revoked: true }, 'express')).toBe('consent was revoked; the campaign requires express consent');
    expect(consentRefusal(null, 'express')).toBe('no consent recorded; the campaign requires express consent');
  });
});
