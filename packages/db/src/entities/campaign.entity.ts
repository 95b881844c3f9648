import {
  Column, CreateDateColumn, DeleteDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn,
} from 'typeorm';
import type { CallingWindow, CampaignStatus, ConsentType, LeadSchema, RetryPolicy } from '@dialer/domain';

/** A campaign's pre-dial eligibility hook (its signing secret is kept apart, sealed, and never read into the entity). */
export interface PreDialHook {
  url: string;
  /** How long the dialer waits for the answer (ms). */
  timeoutMs: number;
  /** On a timeout or an error: skip the call (fail closed) or call anyway. */
  onError: 'skip' | 'call';
}

@Entity('campaigns')
export class CampaignEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId: string;
  @Column({ type: 'text' }) name: string;
  /** Free text for the team (at most 2,000 characters). */
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'text' }) status: CampaignStatus;
  @Column({ name: 'provider_connection_id', type: 'uuid', nullable: true }) providerConnectionId: string | null;
  /** The campaign's agent or flow in place of the connection's (Vapi assistant id, Twilio TwiML URL or App sid, Exotel flow id or URL). */
  @Column({ name: 'agent_override', type: 'text', nullable: true }) agentOverride: string | null;
  /** The campaign's caller id in place of the connection's (Twilio From, Exotel CallerId). */
  @Column({ name: 'caller_id_override', type: 'text', nullable: true }) callerIdOverride: string | null;
  /** Seconds a call rings before it counts as unanswered (5–120). */
  @Column({ name: 'ring_timeout_seconds', type: 'int', default: 30 }) ringTimeoutSeconds: number;
  @Column({ name: 'default_country', type: 'char', length: 2 }) defaultCountry: string;
  @Column({ name: 'default_timezone', type: 'text' }) defaultTimezone: string;
  @Column({ name: 'max_concurrent_calls', type: 'int' }) maxConcurrentCalls: number;
  /** Its share of the tenant's budget when the tenant's limit is the bottleneck, relative to its other campaigns. */
  @Column({ type: 'int', default: 1 }) weight: number;
  @Column({ name: 'max_attempts', type: 'int' }) maxAttempts: number;
  /** Calls to one phone number per rolling 24 hours, across the tenant's campaigns (null: off). */
  @Column({ name: 'max_calls_per_number_24h', type: 'int', nullable: true }) maxCallsPerNumber24h: number | null;
  @Column({ name: 'retry_policy', type: 'jsonb' }) retryPolicy: RetryPolicy;
  @Column({ name: 'calling_window', type: 'jsonb' }) callingWindow: CallingWindow;
  @Column({ type: 'jsonb' }) settings: Record<string, unknown>;
  /** The typed fields its leads carry in `custom` (null: none, extra columns stay free text). */
  @Column({ name: 'lead_schema', type: 'jsonb', nullable: true }) leadSchema: LeadSchema | null;
  /** standard | hipaa | pci: what is stored and shown (README, Compliance modes). */
  @Column({ name: 'compliance_mode', type: 'text', default: 'standard' }) complianceMode: 'standard' | 'hipaa' | 'pci';
  /** The weakest consent a lead must hold to be imported and dialled (null: none required). */
  @Column({ name: 'consent_required', type: 'text', nullable: true }) consentRequired: ConsentType | null;
  /** The pre-dial eligibility hook (null: none). */
  @Column({ name: 'pre_dial', type: 'jsonb', nullable: true }) preDial: PreDialHook | null;
  @Column({ name: 'scheduled_start_at', type: 'timestamptz', nullable: true }) scheduledStartAt: Date | null;
  @Column({ name: 'scheduled_end_at', type: 'timestamptz', nullable: true }) scheduledEndAt: Date | null;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz' }) deletedAt: Date | null;
  @VersionColumn({ type: 'int' }) version: number;
}
