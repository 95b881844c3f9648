import { renderTemplate, variableText } from '@dialer/providers';

describe('renderTemplate with typed lead fields', () => {
  it('when a lead schema stored typed values, then {{budget}} renders the number and {{tags}} the list joined', () => {
    const vars = { property_type: '2BHK', budget: 7500000, tags: ['investor', 'first-time'], nri: false };
    expect(renderTemplate('A {{property_type}} for {{budget}} ({{tags}}; NRI {{nri}}), {{missing|no note}}', vars))
      .toBe('A 2BHK for 7500000 (investor, first-time; NRI false), no note');
  });

  it('when a value is an empty list or null, then the fallback is used', () => {
    expect(renderTemplate('{{tags|none}} {{x|-}}', { tags: [], x: null })).toBe('none -');
    expect(variableText(['a', '', 'b'])).toBe('a, b');
  });
});
