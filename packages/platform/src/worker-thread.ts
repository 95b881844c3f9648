import path from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread from `file`, a module next to the caller, named without its extension
 * (`path.join(__dirname, 'x.worker')`): the compiled `.js` beside a compiled caller, else the `.ts`
 * source, loaded through tsx's CommonJS hook (running from TypeScript sources: tsx, jest).
 */
export function startWorkerThread(file: string, callerFilename: string, options: WorkerOptions = {}): Worker {
  const full = `${file}${path.extname(callerFilename)}`;
  return full.endsWith('.ts')
    ? new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(full)});`, { ...options, eval: true })
    : new Worker(full, options);
}
