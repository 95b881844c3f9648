import { AppError } from '@dialer/platform';
import { cleanHeaders, resolveMapping, type ResolvedMapping } from './column-mapping';
import { createDecoder, detectEncoding, type CsvEncoding } from './csv-encoding';
import { CsvParser, isBlankRecord, type CsvRecord } from './csv-parser';
import { MAX_FIELD_CHARS, MAX_FIELDS, type NumberedRecord } from './prepare-rows';

/** Bytes read from the start of a file to detect its encoding, delimiter and header. */
export const INSPECT_BYTES = 64 * 1024;
const DELIMITERS = [',', ';', '\t', '|'] as const;

export interface Inspection {
  encoding: CsvEncoding;
  delimiter: string;
  headers: string[];
  /** The first data records of the head (complete lines only). */
  sample: NumberedRecord[];
}

function parseAll(text: string, delimiter: string, complete: boolean): CsvRecord[] {
  const p = new CsvParser({ delimiter, maxFieldChars: MAX_FIELD_CHARS, maxFields: MAX_FIELDS });
  const out: CsvRecord[] = [];
  p.write(text, out);
  if (complete) p.end(out);
  return out.filter((r) => !isBlankRecord(r));
}

/** The delimiter under which the header has several fields and the most rows match its width. */
export function detectDelimiter(text: string, complete: boolean): string {
  let best: string = ',';
  let bestScore = -1;
  for (const d of DELIMITERS) {
    const recs = parseAll(text, d, complete).slice(0, 21);
    const width = recs[0]?.fields.length ?? 0;
    if (width < 2) continue;
    const score = recs.slice(1).filter((r) => r.fields.length === width).length * 1000 + width;
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  return best;
}

/**
 * Reads the head of an upload: encoding, delimiter, cleaned header names and sample records.
 * `complete` says the head is the whole file (else its last, possibly cut, line is left out).
 */
export function inspectCsv(head: Buffer, complete: boolean, sampleRows = 20): Inspection {
  if (head.length === 0) throw new AppError('empty_file', 'the file is empty', { status: 400 });
  const encoding = detectEncoding(head);
  const dec = createDecoder(encoding);
  let text = dec.write(head);
  if (complete) text += dec.end();
  else {
    const cut = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    if (cut < 0) throw new AppError('header_too_long', `the header line is longer than ${INSPECT_BYTES} bytes`, { status: 400 });
    text = text.slice(0, cut + 1);
  }
  const delimiter = detectDelimiter(text, complete);
  const recs = parseAll(text, delimiter, complete);
  const header = recs[0];
  if (!header) throw new AppError('empty_file', 'the file has no header line', { status: 400 });
  if (header.tooManyFields) {
    // Cut columns would fail every row: refuse the file instead.
    throw new AppError('too_many_columns', `the header line has more than ${MAX_FIELDS} columns; an import takes at most ${MAX_FIELDS}`, { status: 400, details: { maxColumns: MAX_FIELDS } });
  }
  const headers = cleanHeaders(header.fields);
  const sample = recs.slice(1, 1 + sampleRows).map((rec, i) => ({ row: i + 1, rec }));
  return { encoding, delimiter, headers, sample };
}

export function mappingFor(ins: Inspection, explicit?: Record<string, unknown> | null): ResolvedMapping {
  return resolveMapping(ins.headers, explicit);
}
