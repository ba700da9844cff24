import { describe, expect, it } from 'vitest';
import { csvField } from '../../lambdas/core/events/ticket-export';

describe('csvField', () => {
  it('leaves plain values alone', () => {
    expect(csvField('ord_1')).toBe('ord_1');
    expect(csvField('')).toBe('');
  });
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('North, main')).toBe('"North, main"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('a\nb')).toBe('"a\nb"');
  });
  it('defuses spreadsheet formulas with a leading quote', () => {
    for (const start of ['=', '+', '-', '@']) expect(csvField(`${start}1`)).toBe(`'${start}1`);
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
  });
});
