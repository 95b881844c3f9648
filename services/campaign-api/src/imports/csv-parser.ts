/**
 * A streaming RFC 4180 CSV parser for imports: text goes in by chunks, records come out as arrays
 * of strings. Quoted fields may hold delimiters, doubled quotes and line breaks; CRLF, LF and lone CR
 * end a record. A field longer than `maxFieldChars` is cut off and flagged (an unterminated quote
 * therefore costs at most that much memory), and so is a record with more than `maxFields` fields.
 */
export interface CsvRecord {
  fields: string[];
  /** Index of the first field that was cut off at maxFieldChars. */
  cutField?: number;
  /** More than maxFields fields: the rest were dropped. */
  tooManyFields?: boolean;
  /** The file ended inside a quoted field. */
  unterminatedQuote?: boolean;
}

export interface CsvParserOptions {
  delimiter: string;
  maxFieldChars: number;
  maxFields: number;
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

export class CsvParser {
  private readonly delim: number;
  private fields: string[] = [];
  private field = '';
  private fieldLen = 0;
  private inQuotes = false;
  /** Just saw a quote inside a quoted field: either its end or the first half of "". */
  private quotePending = false;
  /** The field started with a quote (so its content is the quoted text). */
  private quoted = false;
  private afterCr = false;
  private cutField: number | undefined;
  private tooMany = false;
  private sawAny = false;

  constructor(private readonly opts: CsvParserOptions) {
    if (opts.delimiter.length !== 1) throw new Error('the delimiter must be one character');
    this.delim = opts.delimiter.charCodeAt(0);
  }

  /** Parses a chunk; complete records are pushed to `out`. */
  write(text: string, out: CsvRecord[]): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (text.charCodeAt(i) === QUOTE) {
            this.append('"');
            i++;
            continue;
          }
          this.inQuotes = false;
          continue;
        }
        const q = text.indexOf('"', i);
        if (q === -1) {
          this.append(text.slice(i));
          return;
        }
        if (q > i) this.append(text.slice(i, q));
        this.quotePending = true;
        i = q + 1;
        continue;
      }
      const c = text.charCodeAt(i);
      if (this.afterCr) {
        this.afterCr = false;
        if (c === LF) {
          i++;
          continue;
        }
      }
      if (c === this.delim) {
        this.endField();
        i++;
      } else if (c === LF || c === CR) {
        this.endRecord(out);
        this.afterCr = c === CR;
        i++;
      } else if (c === QUOTE && this.fieldLen === 0 && !this.quoted) {
        this.inQuotes = true;
        this.quoted = true;
        this.sawAny = true;
        i++;
      } else {
        // Plain run up to the next special character.
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === this.delim || d === LF || d === CR || d === QUOTE) break;
          j++;
        }
        if (j < n && text.charCodeAt(j) === QUOTE) j++; // a stray quote inside an unquoted field is data
        this.append(text.slice(i, j));
        i = j;
      }
    }
  }

  /** Ends the input; the last record (without a trailing newline) is pushed. */
  end(out: CsvRecord[]): void {
    if (this.inQuotes && !this.quotePending) {
      this.endRecord(out, true);
      return;
    }
    this.inQuotes = false;
    this.quotePending = false;
    if (this.sawAny || this.fields.length > 0 || this.fieldLen > 0) this.endRecord(out);
  }

  private append(s: string): void {
    this.sawAny = true;
    if (this.fieldLen >= this.opts.maxFieldChars) {
      if (this.cutField === undefined) this.cutField = this.fields.length;
      return;
    }
    const room = this.opts.maxFieldChars - this.fieldLen;
    if (s.length > room) {
      this.field += s.slice(0, room);
      this.fieldLen = this.opts.maxFieldChars;
      if (this.cutField === undefined) this.cutField = this.fields.length;
      return;
    }
    this.field += s;
    this.fieldLen += s.length;
  }

  private endField(): void {
    this.sawAny = true;
    if (this.fields.length < this.opts.maxFields) this.fields.push(this.field);
    else this.tooMany = true;
    this.field = '';
    this.fieldLen = 0;
    this.quoted = false;
  }

  private endRecord(out: CsvRecord[], unterminated = false): void {
    this.endField();
    const r: CsvRecord = { fields: this.fields };
    if (this.cutField !== undefined) r.cutField = this.cutField;
    if (this.tooMany) r.tooManyFields = true;
    if (unterminated) r.unterminatedQuote = true;
    out.push(r);
    this.fields = [];
    this.cutField = undefined;
    this.tooMany = false;
    this.sawAny = false;
    this.inQuotes = false;
    this.quotePending = false;
  }
}

/** A record with nothing in it (an empty line, or only delimiters and spaces). */
export function isBlankRecord(r: CsvRecord): boolean {
  for (const f of r.fields) if (f.trim() !== '') return false;
  return true;
}
