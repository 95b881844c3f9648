import { createLogger, installShutdown, loadConfig } from '@dialer/platform';
import { CampaignApiConfig } from './config';
import { startService } from './service';

async function main(): Promise<void> {
  const cfg = loadConfig(CampaignApiConfig);
  const logger = createLogger({ service: 'campaign-api', level: cfg.LOG_LEVEL });
  const svc = await startService(cfg, logger);
  installShutdown(svc.stop, { logger, timeoutMs: cfg.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port: svc.port }, 'ready');
}

main().catch((err: unknown) => {
  process.stderr.write(`campaign-api failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
