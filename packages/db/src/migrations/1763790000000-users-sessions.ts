import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People in the dashboard (issue 12):
 * - users: a tenant's people, with the same roles as API keys; the email is unique across tenants
 *   (it is the sign-in name), the password an argon2id hash, null until an invitation is accepted.
 * - user_sessions: opaque session tokens, stored as sha256 hashes, with idle and absolute expiry and
 *   the CSRF token of the session.
 * - user_tokens: one-time invitation and password-reset links, stored hashed.
 * - audit_log.user_id: the person behind a change (api_key_id stays for machines).
 */
export class UsersSessions1763790000000 implements MigrationInterface {
  name = 'UsersSessions1763790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        email text NOT NULL CHECK (email = lower(email)),
        name text,
        role text NOT NULL CHECK (role IN ('admin','manager','viewer')),
        password_hash text,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_login_at timestamptz
      );
      CREATE UNIQUE INDEX users_email ON users (email);
      CREATE INDEX users_tenant ON users (tenant_id, created_at);

      CREATE TABLE user_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash text NOT NULL UNIQUE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        csrf_token text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      );
      CREATE INDEX user_sessions_user ON user_sessions (user_id) WHERE revoked_at IS NULL;

      CREATE TABLE user_tokens (
        token_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        purpose text NOT NULL CHECK (purpose IN ('invite','reset')),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );
      CREATE INDEX user_tokens_user ON user_tokens (user_id);

      ALTER TABLE audit_log ADD COLUMN user_id uuid;
      CREATE INDEX audit_log_tenant_user ON audit_log (tenant_id, user_id, id DESC) WHERE user_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX IF EXISTS audit_log_tenant_user;
      ALTER TABLE audit_log DROP COLUMN IF EXISTS user_id;
      DROP TABLE IF EXISTS user_tokens, user_sessions, users;
    `);
  }
}
