import { mutate, queryRows, type ApiKeyRole, type DataSource, type EntityManager } from '@dialer/db';
import type { UserView } from './user.dto';

type Db = DataSource | EntityManager;

export interface UserRow {
  id: string;
  tenant_id: string;
  email: string;
  name: string | null;
  role: ApiKeyRole;
  password_hash: string | null;
  active: boolean;
  created_at: Date;
  last_login_at: Date | null;
}

export function userView(u: UserRow): UserView {
  return {
    id: u.id, email: u.email, name: u.name, role: u.role, active: u.active,
    invitationAccepted: u.password_hash !== null, createdAt: u.created_at, lastLoginAt: u.last_login_at,
  };
}

const COLUMNS = 'id, tenant_id, email, name, role, password_hash, active, created_at, last_login_at';

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return (await queryRows<UserRow>(db, `SELECT ${COLUMNS} FROM users WHERE email = $1`, [email]))[0];
}

export async function findUser(db: Db, tenantId: string, id: string, lock = false): Promise<UserRow | undefined> {
  return (await queryRows<UserRow>(db,
    `SELECT ${COLUMNS} FROM users WHERE id = $1 AND tenant_id = $2${lock ? ' FOR UPDATE' : ''}`, [id, tenantId]))[0];
}

export async function listUsers(db: Db, tenantId: string): Promise<UserRow[]> {
  return queryRows<UserRow>(db, `SELECT ${COLUMNS} FROM users WHERE tenant_id = $1 ORDER BY created_at, id LIMIT 1000`, [tenantId]);
}

/** Inserts a user; undefined when the email is taken (by any tenant: it is the sign-in name). */
export async function insertUser(db: Db, u: { tenantId: string; email: string; name: string | null; role: ApiKeyRole; passwordHash: string | null }): Promise<UserRow | undefined> {
  return (await queryRows<UserRow>(db,
    `INSERT INTO users (tenant_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (email) DO NOTHING RETURNING ${COLUMNS}`,
    [u.tenantId, u.email, u.name, u.role, u.passwordHash]))[0];
}

export async function updateUser(db: Db, id: string, set: { role?: ApiKeyRole; active?: boolean; name?: string; passwordHash?: string }): Promise<UserRow> {
  const { rows } = await mutate<UserRow>(db,
    `UPDATE users SET role = COALESCE($2, role), active = COALESCE($3, active), name = COALESCE($4, name),
            password_hash = COALESCE($5, password_hash), updated_at = now()
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, set.role ?? null, set.active ?? null, set.name ?? null, set.passwordHash ?? null]);
  return rows[0]!;
}

/**
 * Locks the tenant's active admins (in the caller's transaction, in id order so two lockers never
 * deadlock), so admin changes of a tenant run one at a time.
 */
export async function lockActiveAdmins(m: EntityManager, tenantId: string): Promise<void> {
  await m.query(`SELECT id FROM users WHERE tenant_id = $1 AND role = 'admin' AND active ORDER BY id FOR UPDATE`, [tenantId]);
}

export async function countActiveAdmins(db: Db, tenantId: string): Promise<number> {
  const rows = await queryRows<{ n: number }>(db,
    `SELECT count(*)::int AS n FROM users WHERE tenant_id = $1 AND role = 'admin' AND active`, [tenantId]);
  return rows[0]?.n ?? 0;
}

// Sessions

export interface SessionRow {
  session_id: string;
  user_id: string;
  tenant_id: string;
  role: ApiKeyRole;
  csrf_token: string;
  last_seen_at: Date;
}

export async function insertSession(db: Db, s: { tokenHash: string; userId: string; csrfToken: string; absoluteMs: number }): Promise<void> {
  await db.query(
    `INSERT INTO user_sessions (token_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond')`,
    [s.tokenHash, s.userId, s.csrfToken, s.absoluteMs]);
  await db.query(`UPDATE users SET last_login_at = now() WHERE id = $1`, [s.userId]);
}

/**
 * The live session of a token: not revoked, inside its absolute and idle expiry, of an active user.
 * The role is the user's current one, so a role change takes effect on the next request.
 */
export async function findLiveSession(db: Db, tokenHash: string, idleMs: number): Promise<SessionRow | undefined> {
  return (await queryRows<SessionRow>(db,
    `SELECT s.id AS session_id, u.id AS user_id, u.tenant_id, u.role, s.csrf_token, s.last_seen_at
       FROM user_sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
        AND s.last_seen_at > now() - $2 * interval '1 millisecond' AND u.active`,
    [tokenHash, idleMs]))[0];
}

export async function touchSession(db: Db, sessionId: string): Promise<void> {
  await db.query(`UPDATE user_sessions SET last_seen_at = now() WHERE id = $1`, [sessionId]);
}

export async function revokeSession(db: Db, tokenHash: string): Promise<void> {
  await db.query(`UPDATE user_sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL`, [tokenHash]);
}

export async function revokeUserSessions(db: Db, userId: string): Promise<number> {
  return (await mutate(db, `UPDATE user_sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId])).count;
}

// One-time links (invitation, password reset)

export type UserTokenPurpose = 'invite' | 'reset';

/** Stores a new link token; earlier unused links of the user stop working. */
export async function insertUserToken(db: Db, t: { tokenHash: string; userId: string; purpose: UserTokenPurpose; ttlMs: number }): Promise<Date> {
  await db.query(`UPDATE user_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, [t.userId]);
  const rows = await queryRows<{ expires_at: Date }>(db,
    `INSERT INTO user_tokens (token_hash, user_id, purpose, expires_at) VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond') RETURNING expires_at`,
    [t.tokenHash, t.userId, t.purpose, t.ttlMs]);
  return rows[0]!.expires_at;
}

/** Uses a link token once: the user it belongs to (active, link unexpired and unused), or undefined. */
export async function consumeUserToken(db: Db, tokenHash: string): Promise<{ user_id: string; tenant_id: string; purpose: UserTokenPurpose } | undefined> {
  const { rows } = await mutate<{ user_id: string; tenant_id: string; purpose: UserTokenPurpose }>(db,
    `UPDATE user_tokens t SET used_at = now() FROM users u
      WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > now() AND u.id = t.user_id AND u.active
      RETURNING t.user_id, u.tenant_id, t.purpose`, [tokenHash]);
  return rows[0];
}

export async function tenantName(db: Db, tenantId: string): Promise<string> {
  return (await queryRows<{ name: string }>(db, `SELECT name FROM tenants WHERE id = $1`, [tenantId]))[0]?.name ?? '';
}
