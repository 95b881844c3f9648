import { Column, CreateDateColumn, DeleteDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

import type { ProviderType } from '@dialer/domain';

export type { ProviderType };

@Entity('provider_connections')
export class ProviderConnectionEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) type: ProviderType;
  /** API base URL; null means the provider's public API. Points at provider-sim in the demo and tests. */
  @Column({ name: 'base_url', type: 'text', nullable: true }) baseUrl: string | null;
  /** Non-secret settings: account sid, from numbers, assistant ids. */
  @Column({ type: 'jsonb' }) config: Record<string, unknown>;
  /** Credentials as JSON, encrypted at rest (AES-256-GCM, platform encryptSecret). */
  @Column({ name: 'secrets_sealed', type: 'text' }) secretsSealed: string;
  @Column({ name: 'calls_per_second', type: 'numeric', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  callsPerSecond: number;
  /** Live calls the provider account allows (null: no connection limit). */
  @Column({ name: 'max_concurrent_calls', type: 'int', nullable: true }) maxConcurrentCalls: number | null;
  /** Slots of that limit kept free for calls not placed by campaigns (inbound, manual). */
  @Column({ name: 'reserved_calls', type: 'int', default: 0 }) reservedCalls: number;
  /** Connections of this tenant naming the same account share one concurrency budget; null: its own. */
  @Column({ name: 'account_key', type: 'text', nullable: true }) accountKey: string | null;
  /** The operator's shared provider account it joined (its limit applies instead of the connection's); null: none. */
  @Column({ name: 'shared_account', type: 'text', nullable: true }) sharedAccount: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz' }) deletedAt: Date | null;
}
