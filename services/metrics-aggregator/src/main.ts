import { createLogger, installShutdown, loadConfig } from '@dialer/platform';
import { MetricsAggregatorConfig } from './config';
import { startService } from './service';

async function main(): Promise<void> {
  const cfg = loadConfig(MetricsAggregatorConfig);
  const logger = createLogger({ service: 'metrics-aggregator', level: cfg.LOG_LEVEL });
  const svc = await startService(cfg, logger);
  installShutdown(svc.stop, { logger, timeoutMs: cfg.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port: svc.port }, 'ready');
}

main().catch((err: unknown) => {
  createLogger({ service: 'metrics-aggregator' }).fatal({ err }, 'failed to start');
  process.exit(1);
});
