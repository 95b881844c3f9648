import { lazy, type ComponentType } from 'react';
import { CampaignsPage } from '../features/campaigns/components/campaigns-page';

export interface RouteDef {
  path: string;
  title: string;
  component: ComponentType<{ params: Record<string, string> }>;
}

// The first load carries sign-in and the campaign list; everything else (uPlot on the detail
// page, the wizard, the settings pages) is a chunk of its own.
const CampaignDetailPage = lazy(() => import('../features/campaigns/components/campaign-detail-page'));
const CreateCampaignWizard = lazy(() => import('../features/campaign-wizard/components/create-campaign-wizard'));
const DncPage = lazy(() => import('../features/dnc/components/dnc-page'));
const ProviderConnectionsPage = lazy(() => import('../features/provider-connections/components/provider-connections-page'));
const ApiKeysPage = lazy(() => import('../features/api-keys/components/api-keys-page'));
const UsersPage = lazy(() => import('../features/users/components/users-page'));
const AuditLogPage = lazy(() => import('../features/audit/components/audit-log-page'));
const AnalyticsPage = lazy(() => import('../features/analytics/components/analytics-page'));

/** Literal paths before parameterised ones (/campaigns/new before /campaigns/:id). */
export const ROUTES: RouteDef[] = [
  { path: '/campaigns', title: 'Campaigns', component: CampaignsPage },
  { path: '/campaigns/new', title: 'New campaign', component: CreateCampaignWizard },
  { path: '/campaigns/:id', title: 'Campaign', component: CampaignDetailPage },
  { path: '/dnc', title: 'Do not call', component: DncPage },
  { path: '/provider-connections', title: 'Provider connections', component: ProviderConnectionsPage },
  { path: '/api-keys', title: 'API keys', component: ApiKeysPage },
  { path: '/users', title: 'Users', component: UsersPage },
  { path: '/audit-log', title: 'Audit log', component: AuditLogPage },
  { path: '/analytics', title: 'Analytics', component: AnalyticsPage },
];
