/**
 * The images run compiled JavaScript (Dockerfile: `node dist/main.js` in the service's folder; the
 * migration `node packages/db/dist/cli/migrate.js`). There is no Docker engine here, so this runs the
 * output of the build the same way: plain Node, no tsx loader, every @dialer/* package resolved through
 * its package.json `main` (dist/). A fresh schema is migrated by the compiled migration, and a small
 * campaign runs to completion on the compiled services. And what an image installs is what the code
 * imports: the image has only the production dependencies of the service and its packages.
 */
import axios from 'axios';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import {
  createTestContext, eventually, REPO_ROOT, startStack, testPhones, zoneWhereLocalHourIs, type Stack, type TestContext,
} from '@dialer/testing';

jest.setTimeout(180_000);

/** Plain Node on a compiled file, without any loader the test runner's environment may carry. */
const runNode = (file: string, args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, [path.join(REPO_ROOT, file), ...args], {
    cwd: REPO_ROOT, env: { ...process.env, NODE_OPTIONS: '', ...env }, encoding: 'utf8', timeout: 120_000,
  });

describe('the compiled build, run with plain Node as the images run it', () => {
  let ctx: TestContext;
  let schema: string;
  let env: Record<string, string>;
  let importDir: string;
  let stack: Stack | undefined;

  beforeAll(async () => {
    // `pnpm build`'s TypeScript half; incremental, so about a second after `pnpm build` (.ci/run).
    const built = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'], {
      cwd: REPO_ROOT, encoding: 'utf8', timeout: 170_000,
    });
    expect(`${built.stdout}${built.stderr}`).toBe('');
    expect(built.status).toBe(0);
    ctx = await createTestContext('build');
    schema = `${ctx.schema}_js`;
    importDir = mkdtempSync(path.join(tmpdir(), 'compiled-build-'));
    env = { ...ctx.env, DB_SCHEMA: schema, IMPORT_DIR: importDir, FEEDER_INTERVAL_MS: '200' };
  });

  afterAll(async () => {
    await stack?.stop();
    const client = new Client({ connectionString: ctx.databaseUrl });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
    await ctx?.close();
    rmSync(importDir, { recursive: true, force: true });
  });

  it('when the compiled migration runs on an empty schema, then it applies every migration the sources know', async () => {
    const res = runNode('packages/db/dist/cli/migrate.js', [], env);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const { migrated } = JSON.parse(res.stdout.trim()) as { migrated: string[] };
    const fromSources: Array<{ name: string }> = await ctx.ds.query(`SELECT name FROM "${ctx.schema}".schema_migrations ORDER BY timestamp`);
    expect(fromSources.length).toBeGreaterThan(5);
    expect(migrated).toEqual(fromSources.map((m) => m.name));
  });

  it('when every service runs from dist/ with plain Node, then each is healthy and a campaign completes', async () => {
    stack = await startStack({
      env, compiled: true,
      serviceEnv: { 'provider-sim': { SIM_TIME_SCALE: '0.01', SIM_OUTCOMES: 'completed:1', SIM_SEED: '3' } },
    });
    for (const p of stack.procs.values()) expect((await fetch(`${p.url}/healthz`)).status).toBe(200);

    const tenant = runNode('services/campaign-api/dist/cli/create-tenant.js', ['compiled build'], env);
    expect(tenant.status).toBe(0);
    const { apiKey } = JSON.parse(tenant.stdout.trim()) as { apiKey: string };
    const api = axios.create({ baseURL: `${stack.urls['campaign-api']}/v1`, headers: { Authorization: `Bearer ${apiKey}` }, validateStatus: () => true });

    const conn = await api.post('/provider-connections', {
      name: 'sim', type: 'twilio', baseUrl: stack.urls['provider-sim'],
      accountSid: `AC${randomBytes(16).toString('hex')}`, authToken: randomBytes(16).toString('hex'), fromNumber: '+14155550100',
    });
    expect(conn.status).toBe(201);
    const zone = zoneWhereLocalHourIs(12);
    const camp = await api.post('/campaigns', {
      name: 'compiled', providerConnectionId: conn.data.id, maxConcurrentCalls: 2, maxAttempts: 1,
      defaultTimezone: zone, callingWindow: { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5, 6, 7] },
    });
    expect(camp.status).toBe(201);
    const id = camp.data.id as string;
    const leads = testPhones(3, 11).map((phone) => ({ phone, timezone: zone }));
    expect((await api.post(`/campaigns/${id}/leads`, { leads })).status).toBe(201);
    expect((await api.post(`/campaigns/${id}/start`)).status).toBe(200);

    const stats = await eventually(async () => {
      const s = await api.get(`/campaigns/${id}/stats`);
      return s.data.status === 'completed' ? s.data : undefined;
    }, { timeoutMs: 90_000, intervalMs: 250, what: 'the campaign completed on the compiled services' });
    expect(stats.leads.done).toBe(3);
    expect(stats.connected).toBe(3);
  });
});

describe('what the build and the images know of each workspace package', () => {
  const dirs = ['packages', 'services'].flatMap((top) => readdirSync(path.join(REPO_ROOT, top)).map((name) => `${top}/${name}`))
    .filter((dir) => existsSync(path.join(REPO_ROOT, dir, 'package.json')));
  const json = (file: string) => JSON.parse(readFileSync(path.join(REPO_ROOT, file), 'utf8'));
  const sourceFiles = (dir: string): string[] => readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => path.join(e.parentPath, e.name));
  /** Bare module names a package's sources import or require (`node:` built-ins aside). */
  const importedModules = (dir: string): Set<string> => new Set(sourceFiles(`${dir}/src`).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire(?:\.resolve)?\(\s*|^import\s+)'([^'.][^']*)'/gm)]
      .map((m) => m[1]!.split('/').slice(0, m[1]!.startsWith('@') ? 2 : 1).join('/'))
      .filter((name) => !name.startsWith('node:'))));

  /** Used only when running from TypeScript sources (startWorkerThread loads a worker's .ts through tsx then). */
  const SOURCES_ONLY: Record<string, string[]> = { 'packages/platform': ['tsx'] };

  it('when the sources of a package import a module, then its package.json lists it under dependencies (the image installs nothing else)', () => {
    const found = dirs.flatMap((dir) => {
      const deps = [...Object.keys(json(`${dir}/package.json`).dependencies ?? {}), ...(SOURCES_ONLY[dir] ?? [])];
      return [...importedModules(dir)].filter((m) => !deps.includes(m)).map((m) => `${dir}: imports ${m}, not in its dependencies`);
    });
    expect(dirs.length).toBeGreaterThan(8);
    expect(found).toEqual([]);
  });

  it('when a package is installed in an image, then its main and types point at dist/ and it needs no TypeScript tooling at run time', () => {
    const found = dirs.flatMap((dir) => {
      const pkg = json(`${dir}/package.json`);
      const deps = Object.keys(pkg.dependencies ?? {});
      return [
        ...(pkg.main === 'dist/index.js' && pkg.types === 'dist/index.d.ts' ? [] : [`${dir}: main ${pkg.main}, types ${pkg.types}`]),
        ...['tsx', 'typescript', 'ts-node', 'ts-jest'].filter((t) => deps.includes(t)).map((t) => `${dir}: ${t} under dependencies`),
      ];
    });
    expect(found).toEqual([]);
  });

  it('when a package depends on a workspace package, then its tsconfig.json references it, and tsconfig.build.json builds every package', () => {
    const folderOf = new Map(dirs.map((dir) => [json(`${dir}/package.json`).name as string, dir]));
    const found = dirs.flatMap((dir) => {
      const wanted = Object.keys(json(`${dir}/package.json`).dependencies ?? {}).filter((d) => folderOf.has(d)).map((d) => folderOf.get(d)!).sort();
      const refs = ((json(`${dir}/tsconfig.json`).references ?? []) as Array<{ path: string }>)
        .map((r) => path.relative(REPO_ROOT, path.resolve(REPO_ROOT, dir, r.path))).sort();
      return JSON.stringify(refs) === JSON.stringify(wanted) ? [] : [`${dir}: references ${refs.join(', ')}; dependencies ${wanted.join(', ')}`];
    });
    expect(found).toEqual([]);
    const built = (json('tsconfig.build.json').references as Array<{ path: string }>).map((r) => r.path).sort();
    expect(built).toEqual([...dirs].sort());
  });
});
