import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('tenants')
export class TenantEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  /** ISO 3166-1 alpha-2: the country of numbers written without a country code, unless a campaign sets its own. */
  @Column({ name: 'default_country', type: 'text' }) defaultCountry: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
