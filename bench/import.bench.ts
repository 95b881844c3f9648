/**
 * Lead import end to end: a messy CSV (mixed phone formats, ~3% invalid rows, ~2% duplicates, five
 * custom columns, quoted commas/quotes) is uploaded as multipart to campaign-api (its own process,
 * fresh schema) and imported into a fresh campaign; in the same run the same number of rows is
 * loaded with a plain COPY into a table shaped like leads (LIKE leads INCLUDING ALL). Besides times and
 * counts: peak RSS of campaign-api, and the CPU seconds of campaign-api and of its Postgres backends
 * during the import (the machine is shared: CPU per row compares runs better than wall time).
 *   pnpm bench import --rows 1000000 [--workers n] [--batch rows] [--heap mb] [--log debug] [--cpu-prof dir]
 */

/** One line for `pnpm bench` (the list). */
export const summary = 'CSV import rows per second end to end (parse, validate, E.164, dedupe, DNC, load), against raw COPY';
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { Client } from 'pg';
import { createTestContext, eventually } from '@dialer/testing';
import { createTenant } from '../services/campaign-api/src/tenants/create-tenant';

const AREAS = ['415', '212', '646', '312', '617', '305', '713', '206', '404', '503'];
const INVALID = ['611', '12345', 'n/a', '+1 415 555 267111', '+1 900 555 0199', '=1+1', ''];

interface Planted {
  rows: number;
  invalid: number;
  duplicates: number;
  accepted: number;
}

/** The i-th unique valid number, in one of several formats (and its E.164). */
function phone(i: number): { text: string; e164: string } {
  if (i % 20 === 19) {
    const n = String(100000 + Math.floor(i / 20)).padStart(6, '0');
    return { text: i % 40 === 39 ? `+44 7911 ${n}` : `+447911${n}`, e164: `+447911${n}` };
  }
  const area = AREAS[i % AREAS.length]!;
  const rest = String(2000000 + Math.floor(i / AREAS.length));
  const e164 = `+1${area}${rest}`;
  const x = rest.slice(0, 3);
  const y = rest.slice(3);
  const f = i % 5;
  const text = f === 0 ? `(${area}) ${x}-${y}` : f === 1 ? `+1 ${area} ${x} ${y}` : f === 2 ? `1-${area}-${x}-${y}` : f === 3 ? `${area}.${x}.${y}` : `${area}${x}${y}`;
  return { text, e164 };
}

function cell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Writes the messy CSV; every 33rd row is invalid, every 50th repeats an earlier number. */
async function generate(file: string, rows: number): Promise<Planted> {
  const planted: Planted = { rows, invalid: 0, duplicates: 0, accepted: 0 };
  let unique = 0;
  const lines = function* (): Generator<string> {
    yield 'Phone Number,First Name,Last Name,Email,Company,Budget,Source,Notes,Property ID\r\n';
    let buf = '';
    for (let r = 0; r < rows; r++) {
      let p: string;
      if (r % 33 === 17) {
        p = INVALID[r % INVALID.length]!;
        planted.invalid++;
      } else if (r % 50 === 49 && unique > 10) {
        p = phone(unique - 7).e164; // same number as an earlier row, other format
        planted.duplicates++;
      } else {
        p = phone(unique++).text;
        planted.accepted++;
      }
      buf += `${cell(p)},Lead${r},"O'Neil, Jr",lead${r}@example.com,Acme ${r % 97},${(r * 37) % 900000},${r % 3 ? 'web' : 'referral'},`
        + `${r % 10 === 0 ? '"said ""call after 5"", prefers email"' : 'n/a'},P-${r}\r\n`;
      if (buf.length > 1 << 16) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  };
  await pipeline(Readable.from(lines()), createWriteStream(file));
  return planted;
}

/**
 * campaign-api runs as it is deployed (docker-compose.yml, k8s): V8's old space capped at
 * 128 MB (`--heap mb` to change, `--heap 0` for Node's default limit: ~255 MB peak instead of ~200 MB
 * at 200k rows). `--cpu-prof dir` writes a CPU profile of campaign-api when it exits.
 */
function nodeFlags(args: Record<string, string>): string[] {
  const mb = Number(args.heap ?? 128);
  const prof = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : [];
  return [...(mb > 0 ? [`--max-old-space-size=${mb}`] : []), ...prof];
}

function startApi(env: Record<string, string>, args: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const main = path.resolve(__dirname, '../services/campaign-api/src/main.ts');
  const child = spawn(process.execPath, [...nodeFlags(args), '--import', 'tsx', main], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const j = JSON.parse(line) as { msg?: string; port?: number; level?: number | string };
          if (j.msg === 'ready' && j.port) resolve({ child, port: j.port });
          else if (j.level === 'error' || j.level === 50 || (args.log && /import batch/.test(line))) process.stderr.write(`${line}\n`);
        } catch {
          // not JSON
        }
      }
    });
    child.on('exit', (code) => reject(new Error(`campaign-api exited with ${code}`)));
  });
}

async function api<T>(base: string, key: string, method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${p}`, {
    method, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Streams the file as multipart/form-data (never in memory). */
function uploadMultipart(base: string, key: string, p: string, file: string, size: number): Promise<{ status: number; body: string }> {
  const boundary = `----bench${Date.now()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="leads.csv"\r\nContent-Type: text/csv\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = request(`${base}${p}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': head.length + size + tail.length },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.write(head);
    const rs = createReadStream(file);
    rs.on('error', reject);
    rs.on('end', () => req.end(tail));
    rs.pipe(req, { end: false });
  });
}

/** The same rows, already clean, straight into a leads-shaped table with one COPY. */
async function plainCopy(url: string, schema: string, tenantId: string, campaignId: string, rows: number): Promise<number> {
  const client = new Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await client.query(`CREATE TABLE bench_copy (LIKE leads INCLUDING ALL)`);
    const lines = function* (): Generator<string> {
      let buf = '';
      for (let r = 0; r < rows; r++) {
        const { e164 } = phone(r);
        buf += `${tenantId}\t${campaignId}\t${e164}\tLead${r}\tO'Neil, Jr\tlead${r}@example.com\t{America/New_York}\t`
          + `{"Company":"Acme ${r % 97}","Budget":"${(r * 37) % 900000}","Source":"web","Notes":"n/a","Property ID":"P-${r}"}\n`;
        if (buf.length > 1 << 16) {
          yield buf;
          buf = '';
        }
      }
      if (buf) yield buf;
    };
    const t0 = process.hrtime.bigint();
    await pipeline(Readable.from(lines()), client.query(copyFrom(
      `COPY bench_copy (tenant_id, campaign_id, phone_e164, first_name, last_name, email, timezones, custom) FROM STDIN`)));
    return Number(process.hrtime.bigint() - t0) / 1e9;
  } finally {
    await client.query(`DROP TABLE IF EXISTS bench_copy`).catch(() => undefined);
    await client.end();
  }
}

/** VmHWM: the peak resident set; VmRSS: the current one. */
async function rssMb(pid: number, field: 'VmHWM' | 'VmRSS' = 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** CPU seconds (user + system, all threads) of one process, from /proc/<pid>/stat. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11] ?? 0) + Number(f[12] ?? 0)) / 100;
}

/**
 * Postgres backends serving one client process: its TCP sockets' local ports (from /proc) matched
 * with pg_stat_activity.client_port. CPU of the other processes' backends is left out.
 */
async function backendsOf(pid: number, pg: Client): Promise<number[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (m) inodes.add(m[1]!);
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && inodes.has(f[9]!)) ports.push(parseInt(f[1]!.split(':')[1]!, 16));
    }
  }
  const rows = (await pg.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[])`, [ports])).rows;
  return rows.map((r) => r.pid);
}

async function backendCpu(pid: number, pg: Client): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const b of await backendsOf(pid, pg)) out.set(b, await cpuSeconds(b));
  return out;
}

export async function run(args: Record<string, string>): Promise<Record<string, unknown>> {
  const rows = Number(args.rows ?? 100_000);
  const ctx = await createTestContext('benchimport');
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-import-'));
  let child: ChildProcess | undefined;
  let pg: Client | undefined;
  try {
    const file = path.join(dir, 'leads.csv');
    const planted = await generate(file, rows);
    const size = (await stat(file)).size;
    const started = await startApi({
      ...ctx.env, CAMPAIGN_API_PORT: '0', IMPORT_DIR: path.join(dir, 'imports'), LOG_LEVEL: args.log ?? 'info',
      ...(args.workers ? { IMPORT_WORKERS: args.workers } : {}), ...(args.batch ? { IMPORT_BATCH_ROWS: args.batch } : {}),
    }, args);
    child = started.child;
    const idleRss = await rssMb(child.pid!, 'VmRSS');
    const base = `http://127.0.0.1:${started.port}`;
    const tenant = await createTenant(ctx.ds, 'bench');
    const key = tenant.apiKey;
    const pc = await api<{ id: string }>(base, key, 'POST', '/v1/provider-connections', {
      name: 'sim', type: 'twilio', baseUrl: 'http://127.0.0.1:3010', accountSid: 'AC1', authToken: 't', fromNumber: '+14155550100',
    });
    const campaign = await api<{ id: string }>(base, key, 'POST', '/v1/campaigns', { name: 'bench', providerConnectionId: pc.id, defaultCountry: 'US' });

    pg = new Client({ connectionString: ctx.databaseUrl });
    await pg.connect();
    const apiCpu0 = await cpuSeconds(child.pid!);
    const pgCpu0 = await backendCpu(child.pid!, pg);
    const t0 = process.hrtime.bigint();
    const up = await uploadMultipart(base, key, `/v1/campaigns/${campaign.id}/imports`, file, size);
    if (up.status !== 202) throw new Error(`upload: ${up.status} ${up.body}`);
    const uploadedS = Number(process.hrtime.bigint() - t0) / 1e9;
    const importId = (JSON.parse(up.body) as { id: string }).id;
    const job = await eventually(async () => {
      const j = await api<{ status: string; rowsRead: number; accepted: number; rejected: number; duplicates: number; error: string | null }>(
        base, key, 'GET', `/v1/imports/${importId}`);
      if (j.status === 'failed') throw new Error(`import failed: ${j.error}`);
      return j.status === 'completed' ? j : undefined;
    }, { timeoutMs: 30 * 60_000, intervalMs: 100, what: 'import completed' });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const peak = await rssMb(child.pid!);
    const apiCpu = (await cpuSeconds(child.pid!)) - apiCpu0;
    let pgCpu = 0;
    for (const [b, c] of await backendCpu(child.pid!, pg)) pgCpu += c - (pgCpu0.get(b) ?? 0);

    const copySeconds = await plainCopy(ctx.databaseUrl, ctx.schema, tenant.tenantId, campaign.id, rows);
    const rowsPerS = rows / seconds;
    const copyRowsPerS = rows / copySeconds;
    return {
      rows, seconds: Number(seconds.toFixed(2)), rows_per_s: Math.round(rowsPerS), copy_rows_per_s: Math.round(copyRowsPerS),
      ratio_vs_copy: Number((copyRowsPerS / rowsPerS).toFixed(2)), peak_rss_mb: peak, idle_rss_mb: idleRss,
      accepted: job.accepted, rejected: job.rejected, duplicates: job.duplicates,
      planted_accepted: planted.accepted, planted_invalid: planted.invalid, planted_duplicates: planted.duplicates,
      counts_match: job.accepted === planted.accepted && job.rejected === planted.invalid && job.duplicates === planted.duplicates,
      api_cpu_s: Number(apiCpu.toFixed(2)), api_backends_cpu_s: Number(pgCpu.toFixed(2)),
      file_mb: Number((size / 1048576).toFixed(1)), upload_seconds: Number(uploadedS.toFixed(2)),
    };
  } finally {
    await pg?.end().catch(() => undefined);
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
    await ctx.close();
  }
}
