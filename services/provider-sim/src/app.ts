import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import { errorMiddleware, opsRoutes, notFoundHandler, type Logger } from '@dialer/platform';
import type { CallSimulator } from './call-simulator';
import { simRoutes } from './sim.routes';
import { exotelCallsRoutes } from './exotel-calls.routes';
import { twilioCallsRoutes, type AccountBook } from './twilio-calls.routes';
import { vapiCallsRoutes, type VapiKeys } from './vapi-calls.routes';

export interface AppDeps {
  simulator: CallSimulator;
  accounts: AccountBook;
  vapiKeys: VapiKeys;
  registry: Registry;
  logger: Logger;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(opsRoutes({ registry: deps.registry }));
  app.use(twilioCallsRoutes(deps));
  app.use(vapiCallsRoutes({ simulator: deps.simulator, keys: deps.vapiKeys, logger: deps.logger }));
  app.use(exotelCallsRoutes(deps));
  app.use('/sim', simRoutes(deps.simulator));
  app.use(notFoundHandler);
  app.use(errorMiddleware(deps.logger));
  return app;
}
