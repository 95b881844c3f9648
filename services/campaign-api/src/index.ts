export { CampaignApiConfig } from './config';
export { startService, type RunningService } from './service';
export { createApp, type AppDeps } from './app';
export { createTenant, type CreatedTenant } from './tenants/create-tenant';
export { createApiKey, generateApiKey, hashApiKey } from './tenants/api-keys';
export { createUser } from './users/create-user';
