import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('tenants')
export class TenantEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  /** ISO 3166-1 alpha-2: the country of numbers written without a country code, unless a campaign sets its own. */
  @Column({ name: 'default_country', type: 'text' }) defaultCountry: string;
  /** Days to keep provider call data (recordings, transcripts, analysis) on call attempts; null: forever. */
  @Column({ name: 'retention_call_data_days', type: 'int', nullable: true }) retentionCallDataDays: number | null;
  /** Days to keep ended call attempts; null: forever. */
  @Column({ name: 'retention_attempts_days', type: 'int', nullable: true }) retentionAttemptsDays: number | null;
  /** Days to keep raw provider webhook events; null: forever. */
  @Column({ name: 'retention_webhook_events_days', type: 'int', nullable: true }) retentionWebhookEventsDays: number | null;
  /** Days to keep ended (done) leads, with their attempts and callbacks; null: forever. */
  @Column({ name: 'retention_ended_leads_days', type: 'int', nullable: true }) retentionEndedLeadsDays: number | null;
  /** Live calls across all its campaigns (null: no tenant limit). */
  @Column({ name: 'max_concurrent_calls', type: 'int', nullable: true }) maxConcurrentCalls: number | null;
  /** Its share of a provider account it shares with other tenants, relative to theirs. */
  @Column({ type: 'int', default: 1 }) weight: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
