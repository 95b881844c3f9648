import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createTestContext, type TestContext } from '@dialer/testing';
import { hashApiKey } from '../src/tenants/api-keys';

const ROOT = join(__dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(__dirname, '..', 'src', 'cli', 'create-tenant.ts');

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
    expect(Object.keys(out)).toEqual(['tenantId', 'apiKey']);
    expect(out.apiKey).toMatch(/^dk_[A-Za-z0-9]{8}_[A-Za-z0-9]+$/);
    const rows: Array<{ name: string; role: string }> = await ctx.ds.query(
      `SELECT t.name, k.role FROM tenants t JOIN api_keys k ON k.tenant_id = t.id WHERE t.id = $1 AND k.key_hash = $2`,
      [out.tenantId, hashApiKey(out.apiKey)]);
    expect(rows).toEqual([{ name: 'Acme Realty', role: 'admin' }]);
  }, 60_000);

  it('when no name is given, then usage goes to stderr and it exits 2', async () => {
    const r = await run([], ctx.env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('usage');
  }, 60_000);
});
