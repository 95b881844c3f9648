import type { DataSource, EntityManager } from 'typeorm';

/**
 * TypeORM's postgres driver answers a raw UPDATE or DELETE with `[rows, rowCount]` instead of the
 * rows (SELECT and INSERT give the rows). This returns the rows either way.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}

/** Runs any statement and returns its rows (RETURNING rows for UPDATE/DELETE). */
export async function queryRows<T>(m: DataSource | EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return returnedRows<T>(await m.query(sql, params));
}

export interface Mutation<T> {
  rows: T[];
  count: number;
}

/** Runs an UPDATE or DELETE (with or without RETURNING) and gives its rows and affected-row count. */
export async function mutate<T = Record<string, unknown>>(m: DataSource | EntityManager, sql: string, params: unknown[] = []): Promise<Mutation<T>> {
  const r: unknown = await m.query(sql, params);
  if (Array.isArray(r) && r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number') {
    return { rows: r[0] as T[], count: r[1] };
  }
  const rows = (Array.isArray(r) ? r : []) as T[];
  return { rows, count: rows.length };
}
