import type { DataSource, EntityManager } from '@dialer/db';

export interface Mutation<T> {
  rows: T[];
  count: number;
}

/**
 * Runs an UPDATE or DELETE (with or without RETURNING). TypeORM answers those with
 * `[rows, rowCount]` rather than rows; this gives both by name.
 */
export async function mutate<T = Record<string, unknown>>(m: EntityManager | DataSource, sql: string, params: unknown[]): Promise<Mutation<T>> {
  const r: unknown = await m.query(sql, params);
  if (Array.isArray(r) && r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number') {
    return { rows: r[0] as T[], count: r[1] };
  }
  const rows = (Array.isArray(r) ? r : []) as T[];
  return { rows, count: rows.length };
}
