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

/** The sample file of GET /v1/imports/template.csv. */
export const IMPORT_TEMPLATE = [
  csvLine(['phone', 'first_name', 'last_name', 'email', 'timezone', 'state', 'postal_code', 'country', 'property_id', 'budget']),
  csvLine(['(415) 555-2671', 'Ada', 'Lovelace', 'ada@example.com', 'America/Los_Angeles', 'CA', '94105', 'US', 'P-1001', '450000']),
  csvLine(['+91 98765 43210', 'Ravi', 'Kumar', '', '', '', '', 'IN', 'P-1002', '']),
  csvLine(['212-555-0147', 'Grace', 'Hopper', '', '', 'NY', '', '', 'P-1003', '300000']),
].join('');
