export { startService, type RunningService } from './service';
export { WebhookIngestConfig } from './config';
