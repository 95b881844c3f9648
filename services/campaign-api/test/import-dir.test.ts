import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createTestContext, freePort, REPO_ROOT, type TestContext } from '@dialer/testing';

/**
 * campaign-api as deployed: a read-only root filesystem (so a read-only working directory) with
 * IMPORT_DIR on a writable volume. Started as its own process as an unprivileged user (root writes
 * through any permission bits), from a working directory that user cannot write.
 */

const MAIN = path.join(REPO_ROOT, 'services', 'campaign-api', 'src', 'main.ts');
const TSX = pathToFileURL(require.resolve('tsx', { paths: [path.join(REPO_ROOT, 'services', 'campaign-api')] })).href;
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

let ctx: TestContext;
let root: string;
let readOnlyCwd: string;

beforeAll(async () => {
  ctx = await createTestContext('importdir');
  root = mkdtempSync(path.join(tmpdir(), 'import-dir-'));
  chmodSync(root, 0o755);
  readOnlyCwd = path.join(root, 'app');
  mkdirSync(readOnlyCwd);
  chmodSync(readOnlyCwd, 0o555);
});

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await ctx?.close();
});

interface Started {
  /** Answered /healthz with 200 before exiting. */
  healthy: boolean;
  exitCode: number | null;
  output: string;
}

/** Starts campaign-api, waits until it is healthy (then stops it) or exits on its own. */
async function startCampaignApi(env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', TSX, MAIN], {
    cwd: readOnlyCwd,
    env: {
      ...process.env, ...ctx.env, CAMPAIGN_API_PORT: String(port), LOG_LEVEL: 'warn',
      TSX_TSCONFIG_PATH: path.join(REPO_ROOT, 'tsconfig.json'), ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  let output = '';
  child.stdout.on('data', (b: Buffer) => { output += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { output += b.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => { done = true; });
  let healthy = false;
  while (!done && !healthy) {
    healthy = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (!healthy) await new Promise((r) => setTimeout(r, 150));
  }
  if (healthy) child.kill('SIGTERM');
  const exitCode = await exited;
  return { healthy, exitCode, output };
}

function writableDir(name: string): string {
  const d = path.join(root, name);
  mkdirSync(d);
  chmodSync(d, 0o777);
  return d;
}

describe('campaign-api with a read-only working directory', () => {
  test('when IMPORT_DIR is a writable volume, then it starts and is healthy', async () => {
    const r = await startCampaignApi({ IMPORT_DIR: writableDir('imports') });
    expect({ healthy: r.healthy, output: r.healthy ? '' : r.output }).toEqual({ healthy: true, output: '' });
  }, 90_000);

  test('when IMPORT_DIR is read-only, then it fails to start with a message naming IMPORT_DIR and the real cause', async () => {
    const d = path.join(root, 'read-only-imports');
    mkdirSync(d);
    chmodSync(d, 0o555);
    const r = await startCampaignApi({ IMPORT_DIR: d });
    expect(r.healthy).toBe(false);
    expect(r.exitCode).toBe(1);
    expect(r.output).toMatch(new RegExp(`IMPORT_DIR=${d.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} .*not a writable directory: cannot write to it: EACCES`));
  }, 90_000);

  test('when IMPORT_DIR is left at its default under the read-only working directory, then the message names IMPORT_DIR and EACCES, not ENOENT', async () => {
    const env: Record<string, string> = {};
    const r = await startCampaignApi({ ...env, IMPORT_DIR: './.data/imports' });
    expect(r.healthy).toBe(false);
    expect(r.output).toMatch(/IMPORT_DIR=\.\/\.data\/imports \(.*\/app\/\.data\/imports\) is not a writable directory: cannot create it: EACCES/);
    expect(r.output).not.toMatch(/ENOENT/);
  }, 90_000);
});
