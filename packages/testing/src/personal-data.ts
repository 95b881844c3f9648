import type { DataSource } from '@dialer/db';

export interface Person {
  /** E.164, e.g. +14155552671. */
  e164: string;
  /** The national significant digits, e.g. 4155552671 (also matched when written with separators). */
  national: string;
  email: string;
}

/**
 * Every column of every table of the test's schema (found through information_schema, so tables added
 * later are covered) whose text, varchar, json, jsonb or bytea values hold the person's number (E.164,
 * national digits, or the national digits written with separators) or email, as "table.column: rows".
 */
export async function findPersonalData(ctx: { ds: DataSource; schema: string }, person: Person): Promise<{ found: string[]; columnsScanned: number }> {
  const cols: Array<{ table_name: string; column_name: string; data_type: string }> = await ctx.ds.query(
    `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = $1 AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea')
      ORDER BY c.table_name, c.ordinal_position`, [ctx.schema]);
  const found: string[] = [];
  for (const c of cols) {
    const v = c.data_type === 'bytea' ? `encode("${c.column_name}", 'escape')` : `"${c.column_name}"::text`;
    const formatted = c.data_type === 'jsonb' || c.data_type === 'json' ? 'false' : `regexp_replace(${v}, '\\D', '', 'g') ~ ('^[0-9]{0,4}' || $2 || '$')`;
    const [r] = await ctx.ds.query(
      `SELECT count(*)::int AS n FROM "${ctx.schema}"."${c.table_name}"
        WHERE strpos(${v}, $1) > 0 OR strpos(${v}, $2) > 0 OR strpos(lower(${v}), lower($3)) > 0 OR ${formatted}`,
      [person.e164, person.national, person.email]);
    if (r.n > 0) found.push(`${c.table_name}.${c.column_name}: ${r.n}`);
  }
  return { found, columnsScanned: cols.length };
}
