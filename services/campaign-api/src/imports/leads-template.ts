import { exampleValue, type LeadSchema } from '@dialer/domain';

function dataLine(cells: string[]): string {
  return `${cells.map((s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)).join(',')}\r\n`;
}

/**
 * The template CSV of a campaign with a lead schema: phone, name, email, then the schema's fields
 * in order, and one sample row whose values pass every check (it imports back with no rejection).
 */
export function leadsTemplate(schema: LeadSchema): string {
  const header = ['phone', 'name', 'email', ...schema.fields.map((f) => f.name)];
  const sample = ['+14155552671', 'Ada Lovelace', 'ada@example.com', ...schema.fields.map((f) => exampleValue(f))];
  return dataLine(header) + dataLine(sample);
}
