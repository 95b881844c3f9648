import type { ApiKeyRole, DataSource } from '@dialer/db';
import { tenantExists } from '../tenants/tenants.repository';
import { randomToken } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import { hashPassword, PASSWORD_MAX, PASSWORD_MIN } from './passwords';
import type { UserView } from './user.dto';
import { insertUser, userView } from './users.repository';

export interface CreateUserInput {
  tenantId: string;
  email: string;
  role: ApiKeyRole;
  name?: string;
  /** The password to set; absent: a random one is made and returned (shown once). */
  password?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A user who can sign in at once (the CLI's first admin, the demo's user). Throws a clear Error on bad input. */
export async function createUser(ds: DataSource, input: CreateUserInput): Promise<{ user: UserView; password: string }> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 254) throw new Error(`"${input.email}" is not an email address`);
  const password = input.password ?? randomToken(18);
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    throw new Error(`the password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`);
  }
  const passwordHash = await hashPassword(password);
  return ds.transaction(async (m) => {
    if (!await tenantExists(m, input.tenantId)) throw new Error(`tenant ${input.tenantId} does not exist`);
    const u = await insertUser(m, { tenantId: input.tenantId, email, name: input.name?.trim() || null, role: input.role, passwordHash });
    if (!u) throw new Error(`a user with the email ${email} exists already`);
    await writeAudit(m, { tenantId: input.tenantId, apiKeyId: null, userId: null, action: 'user.create', entityType: 'user', entityId: u.id, after: { email, role: u.role } });
    return { user: userView(u), password };
  });
}
