import { createLogger, installShutdown, loadConfig } from '@dialer/platform';
import { ProviderSimConfig } from './config';
import { startService } from './service';

async function main(): Promise<void> {
  const cfg = loadConfig(ProviderSimConfig);
  const logger = createLogger({ service: 'provider-sim', level: cfg.LOG_LEVEL });
  const running = await startService(cfg, logger);
  installShutdown(running.stop, { logger, timeoutMs: cfg.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port: running.port, timeScale: cfg.SIM_TIME_SCALE }, 'ready');
}

main().catch((err: unknown) => {
  // The logger may not exist yet (bad configuration): write the reason plainly and exit.
  process.stderr.write(`provider-sim failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
