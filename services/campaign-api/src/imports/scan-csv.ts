import { createReadStream } from 'node:fs';
import { AppError } from '@dialer/platform';
import type { CsvEncoding } from './csv-encoding';

/**
 * A strict UTF-8 check over a byte stream (chunks may split a character): counts well-formed
 * multi-byte characters and notes the first byte that is not UTF-8 (overlong forms, surrogates and
 * code points past U+10FFFF included, as a fatal TextDecoder would).
 */
class Utf8Check {
  multiByte = 0;
  invalidAt = -1;
  private need = 0;
  private lo = 0x80;
  private hi = 0xbf;

  /** `offset` is the position of chunk[0] in the file. */
  write(chunk: Buffer, offset: number): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (this.need > 0) {
        if (b < this.lo || b > this.hi) {
          this.invalid(offset + i);
          this.need = 0;
          i--; // this byte starts over
          continue;
        }
        this.lo = 0x80;
        this.hi = 0xbf;
        if (--this.need === 0) this.multiByte++;
        continue;
      }
      if (b < 0x80) continue;
      if (b >= 0xc2 && b <= 0xdf) this.need = 1;
      else if (b === 0xe0) { this.need = 2; this.lo = 0xa0; }
      else if (b === 0xed) { this.need = 2; this.hi = 0x9f; }
      else if (b >= 0xe1 && b <= 0xef) this.need = 2;
      else if (b === 0xf0) { this.need = 3; this.lo = 0x90; }
      else if (b === 0xf4) { this.need = 3; this.hi = 0x8f; }
      else if (b >= 0xf1 && b <= 0xf3) this.need = 3;
      else this.invalid(offset + i);
    }
  }

  end(size: number): void {
    if (this.need > 0) this.invalid(size);
  }

  private invalid(at: number): void {
    if (this.invalidAt < 0) this.invalidAt = at;
  }
}

/** 1-based line of a byte offset, from the line breaks counted before it. */
function lineOf(lineBreaksBefore: number): number {
  return lineBreaksBefore + 1;
}

function countLf(chunk: Buffer, end = chunk.length): number {
  let n = 0;
  for (let i = chunk.indexOf(10); i >= 0 && i < end; i = chunk.indexOf(10, i + 1)) n++;
  return n;
}

/**
 * Reads the whole stored file once, before any row is imported, so that nothing past the head the
 * encoding was guessed from decides silently: returns the encoding to import with, or refuses the
 * file (400) naming the line.
 * - A NUL character anywhere: the file is not text (a spreadsheet or archive?).
 * - Guessed UTF-8 but a byte further on is not UTF-8: Windows-1252 when the file holds no UTF-8
 *   multi-byte character at all (then every byte decodes the same way, the head included); refused
 *   when it mixes both (either decoding would store wrong characters).
 */
export async function confirmEncoding(filePath: string, guessed: CsvEncoding): Promise<CsvEncoding> {
  const utf16 = guessed === 'utf-16le' || guessed === 'utf-16be';
  const check = guessed === 'utf-8' ? new Utf8Check() : null;
  const decoder = utf16 ? new TextDecoder(guessed) : null;
  let offset = 0;
  let lines = 0;
  let invalidLine = -1;
  for await (const data of createReadStream(filePath, { highWaterMark: 256 * 1024 })) {
    const chunk = data as Buffer;
    if (decoder) {
      const text = decoder.decode(chunk, { stream: true });
      const nul = text.indexOf('\u0000');
      if (nul >= 0) throw notText(lineOf(lines + (text.slice(0, nul).match(/\n/g)?.length ?? 0)));
      lines += text.match(/\n/g)?.length ?? 0;
    } else {
      const nul = chunk.indexOf(0);
      if (nul >= 0) throw notText(lineOf(lines + countLf(chunk, nul)));
      if (check) {
        const before = check.invalidAt;
        check.write(chunk, offset);
        if (before < 0 && check.invalidAt >= 0) invalidLine = lineOf(lines + countLf(chunk, check.invalidAt - offset));
      }
      lines += countLf(chunk);
    }
    offset += chunk.length;
  }
  if (!check) return guessed;
  check.end(offset);
  if (check.invalidAt < 0) return 'utf-8';
  if (check.multiByte === 0) return 'windows-1252';
  throw new AppError('mixed_encoding',
    `the file is not in one encoding: it holds UTF-8 characters, but line ${invalidLine < 0 ? lineOf(lines) : invalidLine} has bytes that are not UTF-8 (Windows-1252?). Save the whole file as CSV UTF-8 and upload again`,
    { status: 400, details: { line: invalidLine < 0 ? lineOf(lines) : invalidLine } });
}

function notText(line: number): AppError {
  return new AppError('unsupported_encoding',
    `the file is not text: line ${line} contains a NUL character (a spreadsheet or archive?). Save it as CSV (UTF-8) and upload again`,
    { status: 400, details: { line } });
}
