import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('tenants')
export class TenantEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  /** ISO 3166-1 alpha-2: the country of numbers written without a country code, unless a campaign sets its own. */
  @Column({ name: 'default_country', type: 'text' }) defaultCountry: string;
  /** Live calls across all its campaigns (null: no tenant limit). */
  @Column({ name: 'max_concurrent_calls', type: 'int', nullable: true }) maxConcurrentCalls: number | null;
  /** Its share of a provider account it shares with other tenants, relative to theirs. */
  @Column({ type: 'int', default: 1 }) weight: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
