export { startService, type RunningService } from './service';
export { MetricsAggregatorConfig } from './config';
