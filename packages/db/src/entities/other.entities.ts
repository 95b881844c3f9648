import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

const bigintNumber = { to: (v: number) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

@Entity('webhook_events')
export class WebhookEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'tenant_id', type: 'uuid', nullable: true }) tenantId: string | null;
  @Column({ type: 'text' }) provider: string;
  @Column({ name: 'provider_connection_id', type: 'uuid', nullable: true }) providerConnectionId: string | null;
  @Column({ name: 'event_key', type: 'text' }) eventKey: string;
  @Column({ name: 'provider_call_id', type: 'text', nullable: true }) providerCallId: string | null;
  @Column({ name: 'call_attempt_id', type: 'uuid', nullable: true }) callAttemptId: string | null;
  @Column({ type: 'jsonb' }) payload: Record<string, unknown>;
  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' }) receivedAt: Date;
  @Column({ name: 'applied_at', type: 'timestamptz', nullable: true }) appliedAt: Date | null;
  @Column({ name: 'apply_error', type: 'text', nullable: true }) applyError: string | null;
}

@Entity('dnc_entries')
export class DncEntryEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId: string;
  /** Null: the tenant-wide list. */
  @Column({ name: 'campaign_id', type: 'uuid', nullable: true }) campaignId: string | null;
  @Column({ name: 'phone_e164', type: 'text' }) phoneE164: string;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'text' }) source: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

export type ImportStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

@Entity('import_jobs')
export class ImportJobEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId: string;
  @Column({ name: 'campaign_id', type: 'uuid' }) campaignId: string;
  @Column({ type: 'text' }) status: ImportStatus;
  @Column({ type: 'text', nullable: true }) filename: string | null;
  @Column({ name: 'rows_read', type: 'int' }) rowsRead: number;
  @Column({ type: 'int' }) accepted: number;
  @Column({ type: 'int' }) rejected: number;
  @Column({ type: 'int' }) duplicates: number;
  @Column({ name: 'dnc_suppressed', type: 'int' }) dncSuppressed: number;
  /** Per-row problems: {row, column, value, reason}. */
  @Column({ type: 'jsonb' }) errors: Array<{ row: number; column: string; value: string; reason: string }>;
  @Column({ type: 'text', nullable: true }) error: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt: Date | null;
}

@Entity('campaign_stats')
export class CampaignStatsEntity {
  @PrimaryColumn({ name: 'campaign_id', type: 'uuid' }) campaignId: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId: string;
  @Column({ name: 'dnc_suppressed', type: 'bigint', transformer: bigintNumber }) dncSuppressed: number;
  @Column({ name: 'calls_ended', type: 'bigint', transformer: bigintNumber }) callsEnded: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) connected: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) voicemail: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) busy: number;
  @Column({ name: 'no_answer', type: 'bigint', transformer: bigintNumber }) noAnswer: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) failed: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) canceled: number;
  @Column({ name: 'talk_seconds', type: 'bigint', transformer: bigintNumber }) talkSeconds: number;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

@Entity('audit_log')
export class AuditLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId: string;
  @Column({ name: 'api_key_id', type: 'uuid', nullable: true }) apiKeyId: string | null;
  @Column({ type: 'text' }) action: string;
  @Column({ name: 'entity_type', type: 'text' }) entityType: string;
  @Column({ name: 'entity_id', type: 'text', nullable: true }) entityId: string | null;
  @Column({ type: 'jsonb', nullable: true }) before: unknown;
  @Column({ type: 'jsonb', nullable: true }) after: unknown;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
