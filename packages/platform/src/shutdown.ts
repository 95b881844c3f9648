import type { Logger } from 'pino';

export interface ShutdownOptions {
  logger: Logger;
  /** Hard deadline; must sit below the Kubernetes termination grace period. */
  timeoutMs?: number;
  signals?: NodeJS.Signals[];
}

/**
 * On SIGTERM/SIGINT runs `stop()` once, then exits 0; exits 1 if stop fails or overruns the deadline.
 */
export function installShutdown(stop: () => Promise<void>, opts: ShutdownOptions): void {
  const { logger } = opts;
  const timeoutMs = opts.timeoutMs ?? 20_000;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, timeoutMs }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown deadline passed, exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  for (const s of opts.signals ?? (['SIGTERM', 'SIGINT'] as NodeJS.Signals[])) process.on(s, onSignal);
}

/** Runs the stop functions in order, continuing past failures, and rethrows the first failure. */
export async function stopAll(steps: Array<[string, () => Promise<unknown> | unknown]>, logger?: Logger): Promise<void> {
  let first: unknown;
  for (const [name, step] of steps) {
    try {
      await step();
    } catch (err) {
      logger?.error({ err, step: name }, 'stop step failed');
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}
