/**
 * The dashboard in headless Chromium (Debian's, through playwright-core), against campaign-api in
 * this process on a fresh schema:
 * - initial JS: gzip size of the scripts the sign-in and campaigns routes load first (index.html's
 *   entry and its modulepreloads; lazy chunks are not counted);
 * - the campaigns page of a tenant with `--campaigns` campaigns (default 1,000): time from navigation
 *   to the first page of rows on screen, next to the duration of the API call it needs (same run);
 * - a campaign page receiving live updates at `--rate` per second (default 4) for `--seconds` (60):
 *   main-thread busy time (Chrome's TaskDuration) as a share of the wall time, and JS heap growth
 *   after a forced GC.
 *   pnpm bench dashboard [--campaigns 1000] [--rate 4] [--seconds 60]
 */

/** One line for `pnpm bench` (the list). */
export const summary = 'the dashboard in headless Chromium: initial JS, the 1,000-campaign list, a live page at 4 updates/s';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createLogger, loadConfig } from '@dialer/platform';
import { createTestContext, REPO_ROOT } from '@dialer/testing';
import { CampaignApiConfig } from '../services/campaign-api/src/config';
import { startService } from '../services/campaign-api/src/service';
import { createTenant } from '../services/campaign-api/src/tenants/create-tenant';
import { createUser } from '../services/campaign-api/src/users/create-user';
import { ensureDashboardBuilt, launchChromium } from '../test/browser/browser-harness';

const DIST = path.join(REPO_ROOT, 'apps', 'dashboard', 'dist');

/** The scripts a first visit loads before any lazy route: the entry module and its modulepreloads. */
function initialScripts(): string[] {
  const html = readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const srcs = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => m[1]!);
  return [...new Set(srcs)];
}

export async function run(args: Record<string, string>): Promise<Record<string, unknown>> {
  const campaigns = Number(args.campaigns ?? 1000);
  const rate = Number(args.rate ?? 4);
  const seconds = Number(args.seconds ?? 60);
  const log = (s: string) => process.stderr.write(`${s}\n`);

  ensureDashboardBuilt();
  const scripts = initialScripts();
  const initialJsGzip = scripts.reduce((n, s) => n + gzipSync(readFileSync(path.join(DIST, s))).length, 0);
  log(`initial JS: ${scripts.join(', ')} = ${(initialJsGzip / 1024).toFixed(1)} KB gzip`);

  const ctx = await createTestContext('benchdash');
  const cfg = loadConfig(CampaignApiConfig, { ...ctx.env, CAMPAIGN_API_PORT: '0', RATE_LIMIT_MAX: '0' });
  const svc = await startService(cfg, createLogger({ service: 'bench', level: 'warn' }));
  const browser = await launchChromium();
  try {
    const base = `http://127.0.0.1:${svc.port}`;
    const tenant = await createTenant(ctx.ds, 'bench');
    await createUser(ctx.ds, { tenantId: tenant.tenantId, email: 'bench@example.com', role: 'admin', password: 'bench password 123' });
    log(`${campaigns} campaigns`);
    await ctx.ds.query(
      `WITH c AS (
         INSERT INTO campaigns (tenant_id, name, status, started_at, created_at)
         SELECT $1, 'Campaign ' || g, CASE WHEN g % 3 = 0 THEN 'running' ELSE 'completed' END, now(), now() - g * interval '1 minute'
           FROM generate_series(1, $2) g RETURNING id)
       INSERT INTO campaign_stats (campaign_id, tenant_id, calls_ended, connected) SELECT id, $1, 100, 40 FROM c`, [tenant.tenantId, campaigns]);
    const [live] = await ctx.ds.query(`SELECT id FROM campaigns WHERE tenant_id = $1 AND status = 'running' ORDER BY created_at DESC LIMIT 1`, [tenant.tenantId]) as Array<{ id: string }>;

    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const login = await page.request.post('/v1/auth/login', { data: { email: 'bench@example.com', password: 'bench password 123' } });
    if (login.status() !== 200) throw new Error(`sign-in failed: ${login.status()}`);

    // The list: three runs after a warm-up; the median.
    const runs: Array<{ render: number; api: number }> = [];
    for (let i = 0; i < 4; i++) {
      await page.goto('/campaigns', { waitUntil: 'commit' });
      await page.locator('main table tbody tr').nth(49).waitFor({ timeout: 30_000 });
      const m = await page.evaluate(() => {
        const api = performance.getEntriesByType('resource').filter((e) => /\/v1\/campaigns(\?|$)/.test(e.name)).map((e) => e.duration);
        return { render: performance.now(), api: Math.max(0, ...api) };
      });
      if (i > 0) runs.push(m);
    }
    runs.sort((a, b) => a.render - b.render);
    const list = runs[Math.floor(runs.length / 2)]!;
    log(`list: first page of rows after ${list.render.toFixed(0)} ms (API ${list.api.toFixed(0)} ms)`);

    // The live page: updates published as the aggregator does, `rate` per second.
    await page.goto(`/campaigns/${live!.id}`);
    await page.getByRole('progressbar').first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(2000);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const metric = async (name: string): Promise<number> => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((m) => m.name === name)?.value ?? 0;
    };
    const heap = async (): Promise<number> => {
      await cdp.send('HeapProfiler.collectGarbage');
      return metric('JSHeapUsedSize');
    };
    const heapBefore = await heap();
    const busyBefore = await metric('TaskDuration');
    const started = Date.now();
    const channel = `${ctx.queuePrefix}:campaign-events:${live!.id}`;
    let n = 0;
    while (Date.now() - started < seconds * 1000) {
      n += 1;
      await ctx.ds.query(`UPDATE campaign_stats SET calls_ended = calls_ended + 1, connected = connected + (CASE WHEN $2 % 2 = 0 THEN 1 ELSE 0 END) WHERE campaign_id = $1`, [live!.id, n]);
      await ctx.redis.publish(channel, JSON.stringify({
        type: 'call', call: { callAttemptId: `bench-${n}`, attemptNo: 1, outcome: n % 2 ? 'busy' : 'answered', durationSeconds: 30, endedAt: new Date().toISOString(), leadFinal: true },
      }));
      const next = started + n * (1000 / rate);
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
    const wall = (Date.now() - started) / 1000;
    const busy = (await metric('TaskDuration')) - busyBefore;
    const heapAfter = await heap();
    log(`live: ${n} updates in ${wall.toFixed(1)} s; main thread busy ${busy.toFixed(2)} s; heap ${(heapBefore / 1e6).toFixed(1)} → ${(heapAfter / 1e6).toFixed(1)} MB`);
    await context.close();
    return {
      initial_js_gzip_kb: Number((initialJsGzip / 1024).toFixed(1)),
      list_render_ms: Math.round(list.render),
      list_api_ms: Math.round(list.api),
      live_busy_pct: Number(((busy / wall) * 100).toFixed(2)),
      heap_growth_mb: Number(((heapAfter - heapBefore) / 1e6).toFixed(2)),
      campaigns, updates: n, seconds: Number(wall.toFixed(1)),
    };
  } finally {
    await browser.close();
    await svc.stop();
    await ctx.close();
  }
}
