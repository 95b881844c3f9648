import { InitialSchema1763700000000 } from './1763700000000-initial-schema';
import { LeadImports1763710000000 } from './1763710000000-lead-imports';
import { ProviderCallData1763720000000 } from './1763720000000-provider-call-data';
import { CampaignCounters1763730000000 } from './1763730000000-campaign-counters';
import { DialingRules1763740000000 } from './1763740000000-dialing-rules';
import { SecureApi1763760000000 } from './1763760000000-secure-api';
import { AttemptsCounter1763770000000 } from './1763770000000-attempts-counter';
import { LeadCampaignKey1763780000000 } from './1763780000000-lead-campaign-key';
import { UsersSessions1763790000000 } from './1763790000000-users-sessions';
import { TenantCountry1763800000000 } from './1763800000000-tenant-country';
import { ImportWarnings1763810000000 } from './1763810000000-import-warnings';
import { DropWriteOnlyStats1763820000000 } from './1763820000000-drop-write-only-stats';
import { LeadRecords1763830000000 } from './1763830000000-lead-records';
import { Callbacks1763840000000 } from './1763840000000-callbacks';
import { CampaignFields1763850000000 } from './1763850000000-campaign-fields';
import { LeadSchema1763860000000 } from './1763860000000-lead-schema';
import { ConsentPredial1763870000000 } from './1763870000000-consent-predial';
import { RetentionErasure1763880000000 } from './1763880000000-retention-erasure';
import { OutboundWebhooks1763890000000 } from './1763890000000-outbound-webhooks';
import { ConcurrencyBudgets1763900000000 } from './1763900000000-concurrency-budgets';
import { CallerIdPools1763910000000 } from './1763910000000-caller-id-pools';
import { SharedProviderAccounts1763920000000 } from './1763920000000-shared-provider-accounts';
import { DueLeadCounters1763940000000 } from './1763940000000-due-lead-counters';

/** Every migration, in order. Add new ones at the end (file name: <timestamp>-<what>.ts). */
export const MIGRATIONS = [
  InitialSchema1763700000000,
  LeadImports1763710000000,
  ProviderCallData1763720000000,
  CampaignCounters1763730000000,
  DialingRules1763740000000,
  SecureApi1763760000000,
  AttemptsCounter1763770000000,
  LeadCampaignKey1763780000000,
  UsersSessions1763790000000,
  TenantCountry1763800000000,
  ImportWarnings1763810000000,
  DropWriteOnlyStats1763820000000,
  LeadRecords1763830000000,
  Callbacks1763840000000,
  CampaignFields1763850000000,
  LeadSchema1763860000000,
  ConsentPredial1763870000000,
  RetentionErasure1763880000000,
  OutboundWebhooks1763890000000,
  ConcurrencyBudgets1763900000000,
  CallerIdPools1763910000000,
  SharedProviderAccounts1763920000000,
  DueLeadCounters1763940000000,
];
