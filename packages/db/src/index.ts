export * from './data-source';
export * from './entities/tenant.entity';
export * from './entities/api-key.entity';
export * from './entities/provider-connection.entity';
export * from './entities/campaign.entity';
export * from './entities/lead.entity';
export * from './entities/call-attempt.entity';
export * from './entities/other.entities';
export { DataSource, EntityManager, type QueryRunner } from 'typeorm';
export * from './repositories/campaign-stats.repository';
export * from './repositories/call-attempts.repository';
export * from './repositories/leads.repository';
export * from './sql';
export * from './repositories/fold-call-attempt';
export * from './repositories/lead-counts.repository';
export * from './repositories/stat-buckets.repository';
export * from './repositories/recount-campaign';
export * from './repositories/audit.repository';
export * from './repositories/import-jobs.repository';
export * from './repositories/campaign-status.repository';
export { checkCampaignNow } from './campaign-commands/check-campaign';
export {
  commandsFrom, invalidTransition, isCampaignCommand, runCampaignCommand, type CommandInput, type CommandResult,
} from './campaign-commands/run-campaign-command';
export * from './repositories/provider-connections.repository';
export * from './repositories/dnc-entries.repository';
export * from './repositories/callbacks.repository';
export * from './repositories/outbound-events.repository';
