import { createLogger, installShutdown, loadConfig } from '@dialer/platform';
import { WebhookIngestConfig } from './config';
import { startService } from './service';

async function main(): Promise<void> {
  const cfg = loadConfig(WebhookIngestConfig);
  const logger = createLogger({ service: 'webhook-ingest', level: cfg.LOG_LEVEL });
  const svc = await startService(cfg, logger);
  installShutdown(svc.stop, { logger, timeoutMs: cfg.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port: svc.port, publicUrl: cfg.WEBHOOK_PUBLIC_URL }, 'ready');
}

main().catch((err: unknown) => {
  createLogger({ service: 'webhook-ingest' }).fatal({ err }, 'failed to start');
  process.exit(1);
});
