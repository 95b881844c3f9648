import { parentPort } from 'node:worker_threads';
import { prepareBatch, type NumberedRecord, type PrepareContext } from './prepare-rows';

/** Worker thread: prepares import batches (phone normalization dominates the cost of an import). */
parentPort?.on('message', (msg: { id: number; records: NumberedRecord[]; ctx: PrepareContext }) => {
  try {
    parentPort!.postMessage({ id: msg.id, result: prepareBatch(msg.records, msg.ctx) });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
