import { parseArgs } from 'node:util';
import { grantSharedAccount, listSharedAccounts, revokeSharedAccount, upsertSharedAccount } from '@dialer/db';
import { isProviderType, PROVIDER_TYPES } from '@dialer/domain';
import { isUuid } from '@dialer/platform';
import { runCli, withDatabase } from './run-cli';

const USAGE = [
  'usage: account:shared set <key> --type twilio|vapi|exotel --max <live calls> [--reserved <slots>]',
  '       account:shared grant <key> <tenantId>     (the tenant\'s connections may join it: sharedAccount)',
  '       account:shared revoke <key> <tenantId>    (refused while a connection of the tenant is in it)',
  '       account:shared list',
  '',
].join('\n');

function fail(message: string): number {
  process.stderr.write(`${message}\n${USAGE}`);
  return 2;
}

function wholeNumber(v: string | undefined, min: number, max: number): number | null {
  if (v === undefined || !/^\d+$/.test(v.trim())) return null;
  const n = Number(v);
  return n >= min && n <= max ? n : null;
}

/**
 * The platform operator's command for provider accounts shared across tenants (a reseller running
 * many tenants on one Twilio account): declares one with its limit (the account's, not any tenant's
 * connection's), and opens it to tenants or closes it. Tenants cannot do this through the API; they
 * only join an account opened to them. Prints one JSON line per result.
 */
async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { type: { type: 'string' }, max: { type: 'string' }, reserved: { type: 'string' } } });
  } catch (err) {
    return fail((err as Error).message);
  }
  const [command, key, tenantId, ...rest] = parsed.positionals;
  if (rest.length) return fail(`unexpected arguments: ${rest.join(' ')}`);
  if (command === 'list') return withDatabase('shared-account', async (ds) => {
    for (const a of await listSharedAccounts(ds)) process.stdout.write(`${JSON.stringify(a)}\n`);
    return 0;
  });
  if (!key?.trim() || key.trim().length > 200) return fail('a shared account key (1–200 characters) is needed');
  const k = key.trim();
  if (command === 'set') {
    const { type, max, reserved } = parsed.values;
    if (!isProviderType(type)) return fail(`--type must be one of ${PROVIDER_TYPES.join(', ')}`);
    const limit = wholeNumber(max, 1, 100_000);
    if (limit === null) return fail('--max must be a whole number of live calls, 1–100000');
    const kept = reserved === undefined ? 0 : wholeNumber(reserved, 0, limit - 1);
    if (kept === null) return fail('--reserved must be a whole number of slots below --max');
    return withDatabase('shared-account', async (ds) => {
      if (!(await upsertSharedAccount(ds, { key: k, type, maxConcurrentCalls: limit, reservedCalls: kept }))) {
        process.stderr.write(`shared account "${k}" exists with another provider type (the type of an account never changes)\n`);
        return 1;
      }
      process.stdout.write(`${JSON.stringify({ key: k, type, maxConcurrentCalls: limit, reservedCalls: kept })}\n`);
      return 0;
    });
  }
  if (command !== 'grant' && command !== 'revoke') return fail(command ? `unknown command "${command}"` : 'a command is needed');
  if (!tenantId || !isUuid(tenantId)) return fail(`"${tenantId ?? ''}" is not a tenant id (the tenantId printed by tenant:create)`);
  return withDatabase('shared-account', async (ds) => {
    if (command === 'grant') {
      if (!(await grantSharedAccount(ds, k, tenantId))) {
        process.stderr.write(`no shared account "${k}" or no tenant ${tenantId} (declare the account with: account:shared set)\n`);
        return 1;
      }
      process.stdout.write(`${JSON.stringify({ key: k, granted: tenantId })}\n`);
      return 0;
    }
    const r = await revokeSharedAccount(ds, k, tenantId);
    if (r.result === 'in_use') {
      process.stderr.write(`${r.connections} connection(s) of tenant ${tenantId} are in shared account "${k}": `
        + 'the tenant changes them first (PATCH /v1/provider-connections/:id with sharedAccount: null)\n');
      return 1;
    }
    if (r.result === 'not_granted') {
      process.stderr.write(`shared account "${k}" is not open to tenant ${tenantId}\n`);
      return 1;
    }
    process.stdout.write(`${JSON.stringify({ key: k, revoked: tenantId })}\n`);
    return 0;
  });
}

runCli('shared-account', main);
