import { createLogger, installShutdown, loadConfig } from '@dialer/platform';
import { DialerWorkerConfig } from './config';
import { startService } from './service';

async function main(): Promise<void> {
  const cfg = loadConfig(DialerWorkerConfig);
  const logger = createLogger({ service: 'dialer-worker', level: cfg.LOG_LEVEL });
  const { port, stop } = await startService(cfg, logger);
  installShutdown(stop, { logger, timeoutMs: cfg.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port, concurrency: cfg.DIALER_CONCURRENCY }, 'ready');
}

main().catch((err: unknown) => {
  const logger = createLogger({ service: 'dialer-worker' });
  logger.fatal({ err }, 'dialer-worker failed to start');
  process.exit(1);
});
