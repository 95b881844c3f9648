import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { LeadStatus } from '@dialer/domain';

@Entity('leads')
export class LeadEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId: string;
  @Column({ name: 'campaign_id', type: 'uuid' }) campaignId: string;
  @Column({ name: 'phone_e164', type: 'text' }) phoneE164: string;
  @Column({ name: 'first_name', type: 'text', nullable: true }) firstName: string | null;
  @Column({ name: 'last_name', type: 'text', nullable: true }) lastName: string | null;
  @Column({ type: 'text', nullable: true }) email: string | null;
  @Column({ type: 'text', array: true }) timezones: string[];
  /** Free custom values (strings) and, under a lead schema, its fields typed. */
  @Column({ type: 'jsonb' }) custom: Record<string, unknown>;
  @Column({ type: 'text' }) status: LeadStatus;
  @Column({ type: 'int' }) attempts: number;
  @Column({ name: 'next_attempt_at', type: 'timestamptz' }) nextAttemptAt: Date;
  @Column({ type: 'text', nullable: true }) disposition: string | null;
  @Column({ type: 'boolean', nullable: true }) qualified: boolean | null;
  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true }) lastAttemptAt: Date | null;
  @Column({ name: 'import_id', type: 'uuid', nullable: true }) importId: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
