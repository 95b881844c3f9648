export { DialerWorkerConfig } from './config';
export { startService, type RunningService } from './service';
export { placeCall, RetryDialError, type PlaceCallDeps, type PlaceCallOutcome } from './place-call';
export { DIAL_RESULTS, type DialResult } from './dialer.metrics';
