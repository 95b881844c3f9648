export { ProviderSimConfig, parseAccounts } from './config';
export { startService, type RunningProviderSim } from './service';
export { createApp, type AppDeps } from './app';
export { CallSimulator, type SimCall, type SimSummary, type CallbackRecord, type FinalStatus } from './call-simulator';
export { SIM_OUTCOMES, type SimOutcome, type SimSettings, type OutcomeMix } from './sim-settings';
export { signTwilioCallback } from './twilio-signature';
