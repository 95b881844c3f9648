import { createLogger, installShutdown, loadConfig } from '@dialer/platform';
import { SchedulerConfig } from './config';
import { startService } from './service';

async function main(): Promise<void> {
  const cfg = loadConfig(SchedulerConfig);
  const logger = createLogger({ service: 'scheduler', level: cfg.LOG_LEVEL });
  const { port, stop } = await startService(cfg, logger);
  installShutdown(stop, { logger, timeoutMs: cfg.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port }, 'ready');
}

main().catch((err: unknown) => {
  const logger = createLogger({ service: 'scheduler' });
  logger.fatal({ err }, 'scheduler failed to start');
  process.exit(1);
});
