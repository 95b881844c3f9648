export { SchedulerConfig } from './config';
export { startService, type RunningService } from './service';
export { Feeder, type FeederOptions, type FeedReport } from './feeder/feeder';
export { schedulerTick } from './feeder/scheduler-tick';
export { Reconciler, type ReconcileReport } from './reconciler/reconciler';
export { Leadership, leaderKey } from './leadership';
