import { parseArgs } from 'node:util';
import type { ApiKeyRole } from '@dialer/db';
import { isUuid } from '@dialer/platform';
import { ROLES } from '../http/permissions';
import { createUser } from '../users/create-user';
import { runCli, withDatabase } from './run-cli';

const USAGE = 'usage: user:create <tenantId> <email> [--role admin|manager|viewer] [--name "Full Name"]\n'
  + '  the password comes from DIALER_USER_PASSWORD (12+ characters); without it a random one is printed once\n';

/**
 * `user:create <tenantId> <email>`: a person who can sign in to the dashboard at once (the tenant's
 * first admin; later users are invited from the dashboard). Prints
 * `{"userId":…,"email":…,"role":…,"password":…}` as one line; the password is shown only here.
 */
async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { role: { type: 'string', default: 'admin' }, name: { type: 'string' } } });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const [tenantId, email] = parsed.positionals;
  const role = parsed.values.role as ApiKeyRole;
  if (!tenantId || !email || parsed.positionals.length > 2 || !ROLES.includes(role)) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (!isUuid(tenantId)) {
    process.stderr.write(`"${tenantId}" is not a tenant id (the tenantId printed by tenant:create)\n`);
    return 2;
  }
  return withDatabase('create-user', async (ds) => {
    const given = process.env.DIALER_USER_PASSWORD;
    const { user, password } = await createUser(ds, { tenantId, email, role, ...(parsed.values.name ? { name: parsed.values.name } : {}), ...(given ? { password: given } : {}) });
    process.stdout.write(`${JSON.stringify({ userId: user.id, email: user.email, role: user.role, ...(given ? {} : { password }) })}\n`);
    return 0;
  });
}

runCli('user:create', main);
