import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ApiKeyRole = 'admin' | 'manager' | 'viewer';

@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId: string;
  @Column({ type: 'text' }) name: string;
  /** The first characters of the key, to tell keys apart; the key itself is only stored hashed. */
  @Column({ name: 'key_prefix', type: 'text' }) keyPrefix: string;
  @Column({ name: 'key_hash', type: 'text' }) keyHash: string;
  @Column({ type: 'text' }) role: ApiKeyRole;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true }) lastUsedAt: Date | null;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt: Date | null;
}
