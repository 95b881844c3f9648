/**
 * TypeORM's postgres driver answers a raw UPDATE/DELETE with `[rows, rowCount]` instead of the rows
 * (other statements give the rows). This returns the rows either way.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}
