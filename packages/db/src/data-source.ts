import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ApiKeyEntity } from './entities/api-key.entity';
import { CallAttemptEntity } from './entities/call-attempt.entity';
import { CampaignEntity } from './entities/campaign.entity';
import { LeadEntity } from './entities/lead.entity';
import {
  AuditLogEntity, CampaignStatsEntity, DncEntryEntity, ImportJobEntity, WebhookEventEntity,
} from './entities/other.entities';
import { ProviderConnectionEntity } from './entities/provider-connection.entity';
import { TenantEntity } from './entities/tenant.entity';
import { MIGRATIONS } from './migrations';

export const ENTITIES = [
  TenantEntity, ApiKeyEntity, ProviderConnectionEntity, CampaignEntity, LeadEntity, CallAttemptEntity,
  WebhookEventEntity, DncEntryEntity, ImportJobEntity, CampaignStatsEntity, AuditLogEntity,
];

export { MIGRATIONS };

export interface DbOptions {
  url: string;
  /** search_path for every connection; tests use one schema per file. */
  schema?: string;
  poolSize?: number;
  applicationName?: string;
  /**
   * `synchronous_commit = off` for every connection of this pool: a commit returns before its WAL
   * reaches the disk (visible at once; lost only if the Postgres server itself crashes within
   * ~3 × wal_writer_delay). Only for work that is re-done from a durable record after such a loss.
   */
  asyncCommit?: boolean;
}

/** The one data source factory. `synchronize` stays off: the schema comes from migrations only. */
export function createDataSource(opts: DbOptions): DataSource {
  const schema = opts.schema ?? 'public';
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    schema,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: {
      max: opts.poolSize ?? 10,
      options: `-c search_path=${schema}${opts.asyncCommit ? ' -c synchronous_commit=off' : ''}`,
      application_name: opts.applicationName ?? 'dialer',
      connectionTimeoutMillis: 5_000,
    },
  });
}

/** Creates the database named in the URL when it does not exist yet (connecting to `postgres`). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } catch (err) {
        if ((err as { code?: string }).code !== '42P04') throw err; // created concurrently
      }
    }
  } finally {
    await client.end();
  }
}

/** Creates the schema if needed and applies pending migrations; safe to run from several processes. */
export async function migrate(opts: DbOptions): Promise<string[]> {
  await ensureDatabase(opts.url);
  const schema = opts.schema ?? 'public';
  const client = new Client({ connectionString: opts.url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
  } finally {
    await client.end();
  }
  const ds = createDataSource({ ...opts, poolSize: 2 });
  await ds.initialize();
  try {
    // One migrator at a time across processes.
    const runner = ds.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`dialer-migrate:${schema}`]);
      const done = await ds.runMigrations({ transaction: 'each' });
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`dialer-migrate:${schema}`]);
      return done.map((m) => m.name);
    } finally {
      await runner.release();
    }
  } finally {
    await ds.destroy();
  }
}
