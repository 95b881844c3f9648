import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createTestContext, type TestContext } from '@dialer/testing';
import { hashApiKey } from '../src/tenants/api-keys';

const ROOT = join(__dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(__dirname, '..', 'src', 'cli', 'create-tenant.ts');

const USER_CLI = join(__dirname, '..', 'src', 'cli', 'create-user.ts');
const SHARED_CLI = join(__dirname, '..', 'src', 'cli', 'shared-account.ts');

function run(args: string[], env: Record<string, string>, cli = CLI): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [cli, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('create-tenant CLI', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('cli');
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('when given a name, then it prints one JSON line with the tenant id and a working admin key', async () => {
    const r = await run(['Acme', 'Realty'], ctx.env);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!) as { tenantId: string; apiKey: string };
    expect(Object.keys(out)).toEqual(['tenantId', 'apiKey', 'defaultCountry']);
    expect(out).toMatchObject({ defaultCountry: 'US' });
    expect(out.apiKey).toMatch(/^dk_[A-Za-z0-9]{8}_[A-Za-z0-9]+$/);
    const rows: Array<{ name: string; role: string }> = await ctx.ds.query(
      `SELECT t.name, k.role FROM tenants t JOIN api_keys k ON k.tenant_id = t.id WHERE t.id = $1 AND k.key_hash = $2`,
      [out.tenantId, hashApiKey(out.apiKey)]);
    expect(rows).toEqual([{ name: 'Acme Realty', role: 'admin' }]);
  }, 60_000);

  it('when --country IN is given, then the tenant is created with IN as its default country, shown in the output', async () => {
    const r = await run(['Mumbai', 'Homes', '--country', 'in'], ctx.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as { tenantId: string; defaultCountry: string };
    expect(out.defaultCountry).toBe('IN');
    const rows: Array<{ name: string; default_country: string }> = await ctx.ds.query(`SELECT name, default_country FROM tenants WHERE id = $1`, [out.tenantId]);
    expect(rows).toEqual([{ name: 'Mumbai Homes', default_country: 'IN' }]);
    const bad = await run(['Nowhere', '--country', 'XX'], ctx.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--country');
  }, 60_000);

  it('when a tenant of the same name exists, then create-tenant refuses with a clear error and exits 1', async () => {
    expect((await run(['Twice', 'Realty'], ctx.env)).code).toBe(0);
    const again = await run(['twice', 'realty'], ctx.env);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('a tenant named "Twice Realty" exists already');
  }, 60_000);

  it('when no name is given, then usage goes to stderr and it exits 2', async () => {
    const r = await run([], ctx.env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('usage');
  }, 60_000);

  it('when user:create is given a tenant and an email, then the person can sign in with the printed password; bad input exits 2 or 1 with a reason', async () => {
    const t = JSON.parse((await run(['Clinic'], ctx.env)).stdout) as { tenantId: string };
    const r = await run([t.tenantId, 'Admin@Clinic.example', '--name', 'Dr Admin'], ctx.env, USER_CLI);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as { userId: string; email: string; role: string; password: string };
    expect(out).toMatchObject({ email: 'admin@clinic.example', role: 'admin' });
    expect(out.password.length).toBeGreaterThanOrEqual(12);
    const { verifyPassword } = await import('../src/users/passwords');
    const [row] = await ctx.ds.query(`SELECT password_hash, name FROM users WHERE id = $1`, [out.userId]) as Array<{ password_hash: string; name: string }>;
    expect(row!.name).toBe('Dr Admin');
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(row!.password_hash, out.password)).toBe(true);

    // Independent runs, each its own process, at once.
    const [given, dup, short, noTenant, usage] = await Promise.all([
      run([t.tenantId, 'viewer@clinic.example', '--role', 'viewer'], { ...ctx.env, DIALER_USER_PASSWORD: 'a chosen password' }, USER_CLI),
      run([t.tenantId, 'admin@clinic.example'], ctx.env, USER_CLI),
      run([t.tenantId, 'x@clinic.example'], { ...ctx.env, DIALER_USER_PASSWORD: 'short' }, USER_CLI),
      run(['not-a-tenant', 'x@clinic.example'], ctx.env, USER_CLI),
      run([t.tenantId], ctx.env, USER_CLI),
    ]);
    expect(given.code).toBe(0);
    expect(JSON.parse(given.stdout)).not.toHaveProperty('password');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('exists already');
    expect(short.stderr).toContain('12');
    expect(noTenant.code).toBe(2);
    expect(usage.stderr).toContain('usage');
  }, 60_000);

  it('when the operator runs account:shared set and grant, then the account has the operator\'s limit and is open to the tenant; bad input exits 2, a revoke in use exits 1', async () => {
    const t = JSON.parse((await run(['Reseller', 'Client'], ctx.env)).stdout) as { tenantId: string };
    const set = await run(['set', 'reseller-main', '--type', 'twilio', '--max', '30', '--reserved', '3'], ctx.env, SHARED_CLI);
    expect(set.stderr).toBe('');
    expect(JSON.parse(set.stdout)).toEqual({ key: 'reseller-main', type: 'twilio', maxConcurrentCalls: 30, reservedCalls: 3 });
    expect((await run(['grant', 'reseller-main', t.tenantId], ctx.env, SHARED_CLI)).code).toBe(0);
    const list = await run(['list'], ctx.env, SHARED_CLI);
    expect(JSON.parse(list.stdout.trim())).toEqual({ key: 'reseller-main', type: 'twilio', maxConcurrentCalls: 30, reservedCalls: 3, tenantIds: [t.tenantId] });

    // Refused inputs, each its own process, run at once (none changes anything).
    const [reserved, retyped, noAccount, noTenant] = await Promise.all([
      run(['set', 'reseller-main', '--type', 'twilio', '--max', '3', '--reserved', '3'], ctx.env, SHARED_CLI),
      run(['set', 'reseller-main', '--type', 'vapi', '--max', '3'], ctx.env, SHARED_CLI),
      run(['grant', 'no-such-account', t.tenantId], ctx.env, SHARED_CLI),
      run(['grant', 'reseller-main', 'not-a-tenant'], ctx.env, SHARED_CLI),
    ]);
    expect(reserved.code).toBe(2);
    expect(reserved.stderr).toContain('--reserved');
    expect(retyped.code).toBe(1);
    expect(noAccount.code).toBe(1);
    expect(noTenant.code).toBe(2);
    expect(JSON.parse((await run(['list'], ctx.env, SHARED_CLI)).stdout.trim())).toMatchObject({ maxConcurrentCalls: 30, reservedCalls: 3, type: 'twilio' });

    await ctx.ds.query(
      `INSERT INTO provider_connections (tenant_id, name, type, secrets_sealed, shared_account) VALUES ($1, 'p', 'twilio', 'x', 'reseller-main')`, [t.tenantId]);
    const inUse = await run(['revoke', 'reseller-main', t.tenantId], ctx.env, SHARED_CLI);
    expect(inUse.code).toBe(1);
    expect(inUse.stderr).toContain('sharedAccount: null');
  }, 120_000);
});
