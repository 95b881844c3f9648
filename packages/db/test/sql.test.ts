import { preparedQuery } from '@dialer/db';
import { createTestContext, type TestContext } from '@dialer/testing';

describe('preparedQuery', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('sql');
  });
  afterAll(async () => ctx.close());

  it('when run on a data source, then the statement is prepared under its name on the connection it ran on', async () => {
    const q = { name: 'sql-test-prepared', text: `SELECT $1::int + 1 AS x, (SELECT count(*)::int FROM pg_prepared_statements WHERE name = 'sql-test-prepared') AS prepared` };
    const r = await preparedQuery<{ x: number; prepared: number }>(ctx.ds, q, [41]);
    expect(r).toEqual({ rows: [{ x: 42, prepared: 1 }], count: 1 });
  });

  it('when run in a transaction, then it runs on that transaction\'s connection and sees its uncommitted writes', async () => {
    await ctx.ds.query(`CREATE TABLE IF NOT EXISTS sql_test_rows (id int PRIMARY KEY)`);
    const q = { name: 'sql-test-update', text: `UPDATE sql_test_rows SET id = id + 100 WHERE id = $1 RETURNING id` };
    await ctx.ds.transaction(async (m) => {
      await m.query(`INSERT INTO sql_test_rows (id) VALUES (1)`);
      expect(await preparedQuery<{ id: number }>(m, q, [1])).toEqual({ rows: [{ id: 101 }], count: 1 });
      throw new Error('roll back');
    }).catch((err: Error) => expect(err.message).toBe('roll back'));
    expect(await ctx.ds.query(`SELECT id FROM sql_test_rows`)).toEqual([]);
  });

  it('when many run at once on a data source, then each connection goes back to the pool', async () => {
    const q = { name: 'sql-test-many', text: `SELECT $1::int AS x` };
    const all = await Promise.all(Array.from({ length: 200 }, (_, i) => preparedQuery<{ x: number }>(ctx.ds, q, [i])));
    expect(all.map((r) => r.rows[0]!.x)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    // A leaked connection would hold the pool: a plain query still gets one at once.
    await expect(ctx.ds.query(`SELECT 1 AS one`)).resolves.toEqual([{ one: 1 }]);
  });
});
