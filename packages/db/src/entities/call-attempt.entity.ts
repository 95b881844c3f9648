import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { CallStatus } from '@dialer/domain';

@Entity('call_attempts')
export class CallAttemptEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId: string;
  @Column({ name: 'campaign_id', type: 'uuid' }) campaignId: string;
  @Column({ name: 'lead_id', type: 'uuid' }) leadId: string;
  @Column({ name: 'attempt_no', type: 'int' }) attemptNo: number;
  @Column({ type: 'text' }) provider: string;
  @Column({ name: 'provider_connection_id', type: 'uuid', nullable: true }) providerConnectionId: string | null;
  @Column({ name: 'provider_call_id', type: 'text', nullable: true }) providerCallId: string | null;
  @Column({ type: 'text' }) status: CallStatus;
  @Column({ type: 'text', nullable: true }) outcome: string | null;
  @Column({ name: 'raw_status', type: 'text', nullable: true }) rawStatus: string | null;
  @Column({ name: 'answered_by', type: 'text', nullable: true }) answeredBy: string | null;
  @Column({ name: 'duration_seconds', type: 'int', nullable: true }) durationSeconds: number | null;
  @Column({ type: 'text', nullable: true }) error: string | null;
  /** The number the call went out from when the dialer chose it (a caller-id pool, a campaign's caller id); null: the connection's own. */
  @Column({ name: 'caller_id', type: 'text', nullable: true }) callerId: string | null;
  @Column({ name: 'lead_final', type: 'boolean', nullable: true }) leadFinal: boolean | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'dialed_at', type: 'timestamptz', nullable: true }) dialedAt: Date | null;
  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true }) answeredAt: Date | null;
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true }) endedAt: Date | null;
  @Column({ name: 'counted_at', type: 'timestamptz', nullable: true }) countedAt: Date | null;
}
