import { CsvParser, isBlankRecord, type CsvRecord } from '../src/imports/csv-parser';
import { detectEncoding } from '../src/imports/csv-encoding';
import { detectDelimiter } from '../src/imports/inspect-csv';

function parse(chunks: string[], maxFieldChars = 1000): CsvRecord[] {
  const p = new CsvParser({ delimiter: ',', maxFieldChars, maxFields: 50 });
  const out: CsvRecord[] = [];
  for (const c of chunks) p.write(c, out);
  p.end(out);
  return out;
}

describe('CSV parser', () => {
  const text = 'a,"b ""q"", c",d\r\n"multi\nline",,"x"\r\n\r\nlast,"",z';

  it('when quoted fields hold delimiters, quotes and line breaks, then records come out right however the text is chunked', () => {
    const whole = parse([text]);
    expect(whole.map((r) => r.fields)).toEqual([['a', 'b "q", c', 'd'], ['multi\nline', '', 'x'], [''], ['last', '', 'z']]);
    expect(whole.filter((r) => !isBlankRecord(r))).toHaveLength(3);
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j += 3) {
        expect(parse([text.slice(0, i), text.slice(i, j), text.slice(j)])).toEqual(whole);
      }
    }
  });

  it('when a field is too long or a quote is never closed, then the field is cut off and the record flagged', () => {
    const [r] = parse([`1,${'x'.repeat(50)},3\n`], 10);
    expect(r).toEqual({ fields: ['1', 'x'.repeat(10), '3'], cutField: 1 });
    const recs = parse(['1,"open\n2,3\n'], 1000);
    expect(recs).toEqual([{ fields: ['1', 'open\n2,3\n'], unterminatedQuote: true }]);
  });

  it('when sniffing, then the delimiter and encoding are recognised', () => {
    expect(detectDelimiter('a;b;c\n1;2,5;3\n', true)).toBe(';');
    expect(detectDelimiter('a\tb\n1\t2\n', true)).toBe('\t');
    expect(detectDelimiter('a,b\n1,2\n', true)).toBe(',');
    expect(detectEncoding(Buffer.from('phone\n+1 415\n', 'utf16le'))).toBe('utf-16le');
    expect(detectEncoding(Buffer.from([0x70, 0x68, 0xe9, 0x0a]))).toBe('windows-1252');
    expect(detectEncoding(Buffer.from('José\n', 'utf8'))).toBe('utf-8');
  });
});
