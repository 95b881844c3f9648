import { Batcher } from '../src/batcher';

describe('Batcher', () => {
  it('when calls arrive while a batch runs, then they go together in the next one, and each gets its own result', async () => {
    const batches: number[][] = [];
    const b = new Batcher<number, number>(async (items) => {
      batches.push(items);
      await new Promise((r) => setTimeout(r, 5));
      return items.map((i) => i * 10);
    }, { maxBatch: 100 });
    const out = await Promise.all([1, 2, 3, 4, 5].map((i) => b.submit(i)));
    expect(out).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1], [2, 3, 4, 5]]);
  });

  it('when the queue is longer than maxBatch or repeats a key, then it is split and a repeated key waits for the next batch', async () => {
    const batches: string[][] = [];
    const b = new Batcher<string, string>(async (items) => {
      batches.push(items);
      return items;
    }, { maxBatch: 2, key: (s) => s[0]! });
    await Promise.all(['x0', 'a1', 'a2', 'b1', 'c1'].map((s) => b.submit(s)));
    expect(batches).toEqual([['x0'], ['a1', 'b1'], ['a2', 'c1']]);
  });

  it('when a batch fails and a single path is given, then each item runs alone and only its own failure reaches its caller', async () => {
    const b = new Batcher<number, string>(async (items) => {
      if (items.length > 1) throw new Error('batch refused');
      return items.map(String);
    }, { maxBatch: 10, single: async (i) => {
      if (i === 3) throw new Error('three fails alone');
      return `single ${i}`;
    } });
    const first = b.submit(0);
    const rest = [1, 2, 3, 4].map((i) => b.submit(i).catch((e: Error) => e.message));
    expect(await first).toBe('single 0');
    expect(await Promise.all(rest)).toEqual(['single 1', 'single 2', 'three fails alone', 'single 4']);
  });

  it('when a batch fails without a single path, then every caller of that batch gets the error and later calls still run', async () => {
    let fail = true;
    const b = new Batcher<number, number>(async (items) => {
      if (fail) throw new Error('down');
      return items;
    }, { maxBatch: 10 });
    await expect(b.submit(1)).rejects.toThrow('down');
    fail = false;
    await expect(b.submit(2)).resolves.toBe(2);
  });
});
