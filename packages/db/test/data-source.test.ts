import { createDataSource, type DataSource } from '../src';
import { TEST_DATABASE_URL } from '@dialer/testing';

describe('createDataSource', () => {
  const opened: DataSource[] = [];
  afterAll(async () => {
    for (const ds of opened) await ds.destroy();
  });

  async function setting(asyncCommit: boolean | undefined): Promise<string> {
    const ds = createDataSource({ url: TEST_DATABASE_URL, poolSize: 1, ...(asyncCommit === undefined ? {} : { asyncCommit }) });
    opened.push(await ds.initialize());
    const [row] = await ds.query(`SHOW synchronous_commit`);
    return (row as { synchronous_commit: string }).synchronous_commit;
  }

  it('when a pool asks for asynchronous commits, then its connections commit without waiting for the disk; others keep the server\'s durable default', async () => {
    expect(await setting(true)).toBe('off');
    expect(await setting(undefined)).toBe('on');
  });
});
