/**
 * `GET /v1/campaigns/{id}/stats` latency on a campaign of `--leads` leads (default 1,000,000) spread
 * over every state, against a baseline of `GET /v1/campaigns/{id}` (same auth, one row) in the same
 * run; and the cost of the lead-count triggers on a bulk insert of `--insert` leads (default 100,000),
 * with the triggers on versus off, same table, same run.
 *   pnpm bench stats --leads 1000000 --requests 2000
 *
 * The bench's own campaign-api process runs with a per-key rate limit (RATE_LIMIT_MAX) just above
 * the requests this run makes (warm-ups, both series and the check): the default of 3,000 per minute
 * would answer 429 part way. The limiter stays on, so its cost is part of every measured request.
 */

/** One line for `pnpm bench` (the list). */
export const summary = 'GET …/stats latency at 1M leads against GET …/campaigns/{id}; cost of the lead-count triggers';
import http from 'node:http';
import { foldLeadCountDeltas } from '@dialer/db';
import { createLogger, loadConfig } from '@dialer/platform';
import { createTestContext } from '@dialer/testing';
import { CampaignApiConfig } from '../services/campaign-api/src/config';
import { startService } from '../services/campaign-api/src/service';
import { createTenant } from '../services/campaign-api/src/tenants/create-tenant';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** Requests before each measured series. */
const WARM_UP = 50;

function get(url: string, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    http.get(url, { agent, headers: { Authorization: `Bearer ${key}` } }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${url}: ${res.statusCode}`));
        else resolve(Number(process.hrtime.bigint() - started) / 1e6);
      });
    }).on('error', reject);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function latencies(url: string, key: string, n: number): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < WARM_UP; i++) await get(url, key);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await get(url, key));
  out.sort((a, b) => a - b);
  return { p50: Number(percentile(out, 50).toFixed(2)), p99: Number(percentile(out, 99).toFixed(2)) };
}

export async function run(args: Record<string, string>): Promise<Record<string, unknown>> {
  const leads = Number(args.leads ?? 1_000_000);
  const insertN = Number(args.insert ?? 100_000);
  const requests = Number(args.requests ?? 2_000);
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const ctx = await createTestContext('benchstats');
  let stop: (() => Promise<void>) | undefined;
  try {
    const ds = ctx.ds;
    const tenant = await createTenant(ds, 'bench');
    const newCampaign = async (name: string): Promise<string> => {
      const [c] = await ds.query(`INSERT INTO campaigns (tenant_id, name, status, started_at) VALUES ($1, $2, 'running', now()) RETURNING id`, [tenant.tenantId, name]);
      await ds.query(`INSERT INTO campaign_stats (campaign_id, tenant_id) VALUES ($1, $2)`, [c.id, tenant.tenantId]);
      return c.id as string;
    };
    const insertLeads = async (campaignId: string, from: number, count: number): Promise<number> => {
      const t = process.hrtime.bigint();
      await ds.query(
        `INSERT INTO leads (tenant_id, campaign_id, phone_e164, first_name, timezones)
         SELECT $1, $2, '+1' || (2000000000 + g)::text, 'Lead', '{America/New_York}'
           FROM generate_series($3::bigint, $4::bigint) g`, [tenant.tenantId, campaignId, from, from + count - 1]);
      return Number(process.hrtime.bigint() - t) / 1e6;
    };

    // Trigger cost: alternate on/off rounds into fresh campaigns, keep the median of each.
    log(`trigger cost: ${insertN} leads per insert, 3 rounds with triggers and 3 without`);
    const on: number[] = [];
    const off: number[] = [];
    for (let round = 0; round < 3; round++) {
      on.push(await insertLeads(await newCampaign(`on ${round}`), 0, insertN));
      await ds.query(`ALTER TABLE leads DISABLE TRIGGER leads_count_insert`);
      try {
        off.push(await insertLeads(await newCampaign(`off ${round}`), 0, insertN));
      } finally {
        await ds.query(`ALTER TABLE leads ENABLE TRIGGER leads_count_insert`);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1] ?? 0;
    await ds.query(`DELETE FROM leads`);
    await ds.query(`DELETE FROM campaign_lead_counts`);
    await ds.query(`DELETE FROM campaign_due_counts`);
    await ds.query(`DELETE FROM lead_count_deltas`);

    log(`loading ${leads} leads into one campaign`);
    const campaignId = await newCampaign('big');
    for (let from = 0; from < leads; from += 250_000) await insertLeads(campaignId, from, Math.min(250_000, leads - from));
    // Spread the leads over every state, as a campaign half way through looks.
    await ds.query(
      `UPDATE leads SET status = CASE WHEN r < 0.30 THEN 'done' WHEN r < 0.31 THEN 'queued' WHEN r < 0.315 THEN 'dialing' ELSE 'pending' END,
              disposition = CASE WHEN r < 0.12 THEN 'answered' WHEN r < 0.18 THEN 'exhausted' WHEN r < 0.22 THEN 'voicemail'
                                 WHEN r < 0.26 THEN 'busy' WHEN r < 0.30 THEN 'no_answer' END,
              qualified = r < 0.05
         FROM (SELECT id AS lid, random() AS r FROM leads WHERE campaign_id = $1) x
        WHERE id = x.lid`, [campaignId]);
    while ((await foldLeadCountDeltas(ds)).length > 0) { /* fold everything */ }
    await ds.query('ANALYZE');

    // Every request of this run fits in one window of the per-key limit (2 × (warm-up + requests) + the check).
    const rateLimitMax = 2 * (WARM_UP + requests) + 10;
    const cfg = loadConfig(CampaignApiConfig, {
      ...ctx.env, CAMPAIGN_API_PORT: '0', LOG_LEVEL: 'warn', RATE_LIMIT_MAX: String(rateLimitMax),
    });
    const svc = await startService(cfg, createLogger({ service: 'bench', level: 'warn' }));
    stop = () => svc.stop();
    const base = `http://127.0.0.1:${svc.port}/v1/campaigns/${campaignId}`;
    log(`measuring ${requests} sequential requests each`);
    const baseline = await latencies(base, tenant.apiKey, requests);
    const stats = await latencies(`${base}/stats`, tenant.apiKey, requests);
    const check = await new Promise<string>((resolve, reject) => {
      http.get(`${base}/stats`, { agent, headers: { Authorization: `Bearer ${tenant.apiKey}` } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => { body += c; });
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
    const totalLeads = (JSON.parse(check) as { totalLeads: number }).totalLeads;
    if (totalLeads !== leads) throw new Error(`stats say ${totalLeads} leads, expected ${leads}`);
    return {
      leads,
      p50_ms: stats.p50,
      p99_ms: stats.p99,
      requests,
      rate_limit_per_key: rateLimitMax,
      baseline_campaign_read_p50_ms: baseline.p50,
      baseline_campaign_read_p99_ms: baseline.p99,
      p99_ratio_to_baseline: Number((stats.p99 / Math.max(0.001, baseline.p99)).toFixed(2)),
      trigger_insert_rows: insertN,
      insert_with_trigger_ms: Math.round(median(on)),
      insert_without_trigger_ms: Math.round(median(off)),
      trigger_overhead_ratio: Number((median(on) / Math.max(1, median(off))).toFixed(3)),
    };
  } finally {
    agent.destroy();
    await stop?.();
    await ctx.close();
  }
}
