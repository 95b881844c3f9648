export { EventDeliveryConfig, guardsAddresses } from './config';
export { startService, type RunningService } from './service';
export { Relay } from './relay';
export { Agents, postSigned, signatureHeader, signers, type PostOptions, type PostResult } from './post-signed';
