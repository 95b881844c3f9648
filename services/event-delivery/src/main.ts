import { createLogger, installShutdown, loadConfig } from '@dialer/platform';
import { EventDeliveryConfig } from './config';
import { startService } from './service';

async function main(): Promise<void> {
  const cfg = loadConfig(EventDeliveryConfig);
  const logger = createLogger({ service: 'event-delivery', level: cfg.LOG_LEVEL });
  const { port, stop } = await startService(cfg, logger);
  installShutdown(stop, { logger, timeoutMs: cfg.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port }, 'ready');
}

main().catch((err: unknown) => {
  const logger = createLogger({ service: 'event-delivery' });
  logger.fatal({ err }, 'event-delivery failed to start');
  process.exit(1);
});
