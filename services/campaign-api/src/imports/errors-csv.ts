/**
 * CSV output that is safe to open in a spreadsheet: a cell starting with =, +, -, @, tab or carriage
 * return is prefixed with an apostrophe (OWASP "CSV injection"), and cells with a delimiter, quote
 * or line break are quoted.
 */
export function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: Array<string | number | null | undefined>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * A CSV line of plain data (quoted where needed) without the formula guard: for files meant to be
 * imported back, where "+91 …" must stay a phone number, not become "'+91 …".
 */
function dataLine(cells: string[]): string {
  return `${cells.map((s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)).join(',')}\r\n`;
}

/** The sample file of GET /v1/imports/template.csv: it imports back with no rejection (a test checks it). */
export const IMPORT_TEMPLATE = [
  dataLine(['phone', 'first_name', 'last_name', 'email', 'timezone', 'state', 'postal_code', 'country', 'property_id', 'budget']),
  dataLine(['(415) 555-2671', 'Ada', 'Lovelace', 'ada@example.com', 'America/Los_Angeles', 'CA', '94105', 'US', 'P-1001', '450000']),
  dataLine(['+91 98765 43210', 'Ravi', 'Kumar', '', '', '', '', 'IN', 'P-1002', '']),
  dataLine(['212-555-0147', 'Grace', 'Hopper', '', '', 'NY', '', '', 'P-1003', '300000']),
].join('');
