import { AppError } from '@dialer/platform';

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/**
 * Detects the encoding from the first bytes: a BOM (UTF-8, UTF-16 LE/BE), UTF-16 without a BOM
 * (NUL bytes in every other position), valid UTF-8, and otherwise Windows-1252 (what Excel writes
 * for "CSV" on Western Windows). Anything that looks binary is refused.
 */
export function detectEncoding(head: Buffer): CsvEncoding {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  const sample = head.subarray(0, Math.min(head.length, 4096));
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] === 0) {
      if (i % 2 === 0) evenNul++;
      else oddNul++;
    }
  }
  const half = sample.length / 2;
  if (half > 0 && oddNul > half * 0.3 && evenNul === 0) return 'utf-16le';
  if (half > 0 && evenNul > half * 0.3 && oddNul === 0) return 'utf-16be';
  if (evenNul + oddNul > 0) {
    throw new AppError('unsupported_encoding', 'the file is not text: it contains NUL bytes (a spreadsheet or archive?). Save it as CSV (UTF-8) and upload again', { status: 400 });
  }
  // Cut a multi-byte character split at the end of the sample before checking.
  let end = sample.length;
  for (let k = 1; k <= 3 && end - k >= 0; k++) {
    const b = sample[end - k]!;
    if ((b & 0xc0) === 0xc0) {
      end -= k;
      break;
    }
    if ((b & 0x80) === 0) break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, end));
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

/** A streaming decoder for the encoding; the BOM is dropped. */
export function createDecoder(encoding: CsvEncoding): { write(chunk: Buffer): string; end(): string } {
  const d = new TextDecoder(encoding);
  return {
    write: (chunk) => d.decode(chunk, { stream: true }),
    end: () => d.decode(),
  };
}
