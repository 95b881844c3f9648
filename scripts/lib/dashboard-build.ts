import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const DASHBOARD = path.join(ROOT, 'apps', 'dashboard');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the dashboard when it has no build or its sources are newer than the build (CI builds first). */
export function ensureDashboardBuilt(): void {
  const index = path.join(DASHBOARD, 'dist', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(path.join(DASHBOARD, 'src'))) return;
  // NODE_ENV is 'test' under jest: Vite would then bundle React's development build.
  const r = spawnSync('pnpm', ['--filter', '@dialer/dashboard', 'build'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
  if (r.status !== 0) throw new Error(`the dashboard did not build:\n${r.stdout}\n${r.stderr}`);
}

