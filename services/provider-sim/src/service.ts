import { createLogger, createMetricsRegistry, listen, stopAll, type Logger } from '@dialer/platform';
import { CallSimulator } from './call-simulator';
import { createApp } from './app';
import { parseAccounts, type ProviderSimConfig } from './config';
import { createSimMetrics } from './sim-metrics';
import { settingsFromConfig } from './sim-settings';
import { AccountBook } from './twilio-calls.routes';
import { VapiKeys } from './vapi-calls.routes';

export interface RunningProviderSim {
  port: number;
  stop(): Promise<void>;
}

/** Starts provider-sim: no database, no Redis; everything in memory. */
export async function startService(cfg: ProviderSimConfig, logger?: Logger): Promise<RunningProviderSim> {
  const log = logger ?? createLogger({ service: 'provider-sim', level: cfg.LOG_LEVEL });
  const registry = createMetricsRegistry('provider-sim');
  const simulator = new CallSimulator({
    settings: settingsFromConfig(cfg),
    seed: cfg.SIM_SEED,
    metrics: createSimMetrics(registry),
    logger: log,
  });
  const accounts = new AccountBook(parseAccounts(cfg.SIM_TWILIO_ACCOUNTS));
  const vapiKeys = new VapiKeys(new Set((cfg.SIM_VAPI_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean)));
  const app = createApp({ simulator, accounts, vapiKeys, registry, logger: log });
  const server = await listen(app, cfg.PROVIDER_SIM_PORT);
  let stopped: Promise<void> | undefined;
  return {
    port: server.port,
    stop: () =>
      (stopped ??= stopAll(
        [
          ['simulator', () => simulator.stop()],
          ['http', () => server.close()],
        ],
        log,
      )),
  };
}
