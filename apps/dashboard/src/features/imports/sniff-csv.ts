/**
 * A first look at a CSV in the browser, for the wizard: the row estimate of the import's progress
 * bar, and the columns when the server's preview (POST /v1/imports/preview) fails. The server reads
 * the file again at import and is the judge of every row.
 */
export interface CsvSniff {
  delimiter: string;
  headers: string[];
  sample: string[][];
  /** Rows in the file, estimated from the sample's bytes per row (for the progress bar). */
  estimatedRows: number;
  suggestedMapping: Record<string, string>;
}

const ALIASES: Record<string, string[]> = {
  phone: ['phone', 'mobile', 'phonenumber', 'telephone', 'tel', 'contact', 'cell', 'mobilenumber', 'number', 'msisdn'],
  firstName: ['firstname', 'first', 'givenname', 'fname'],
  lastName: ['lastname', 'last', 'surname', 'familyname', 'lname'],
  name: ['name', 'fullname', 'contactname'],
  email: ['email', 'emailaddress', 'mail'],
  timezone: ['timezone', 'tz', 'zone'],
  state: ['state', 'province', 'region'],
  postalCode: ['postalcode', 'zip', 'zipcode', 'postcode'],
  country: ['country', 'countrycode'],
};

const canonical = (h: string): string => h.toLowerCase().replace(/[^a-z0-9]/g, '');

/** One CSV record per line of `text` (quotes honoured; a record spanning lines is cut, fine for a sample). */
function splitLine(line: string, d: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') quoted = false; else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === d) { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out.map((v) => v.trim());
}

export async function sniffCsv(file: File): Promise<CsvSniff> {
  const head = await file.slice(0, 64 * 1024).text();
  const text = head.replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (file.size > head.length && lines.length > 1) lines.pop(); // the last line may be cut
  const first = lines[0] ?? '';
  const delimiter = [',', ';', '\t', '|'].map((d) => [d, first.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
  const headers = splitLine(first, delimiter).map((h, i) => h || `column_${i + 1}`);
  const sample = lines.slice(1, 6).map((l) => splitLine(l, delimiter));
  const sampleBytes = lines.slice(1).reduce((n, l) => n + l.length + 1, 0);
  const perRow = lines.length > 1 ? sampleBytes / (lines.length - 1) : 1;
  const suggestedMapping: Record<string, string> = {};
  for (const h of headers) {
    const c = canonical(h);
    const field = Object.keys(ALIASES).find((f) => ALIASES[f]!.includes(c));
    if (field && !suggestedMapping[field]) suggestedMapping[field] = h;
  }
  return { delimiter, headers, sample, estimatedRows: Math.max(lines.length - 1, Math.round((file.size - first.length) / perRow)), suggestedMapping };
}
