/**
 * `pnpm demo`: brings up Postgres and Redis, migrates, starts every service as its own process,
 * creates a demo tenant and a campaign from a generated CSV of a few hundred leads, runs it against
 * provider-sim with a live progress bar, prints the final stats and the dashboard's address with a demo
 * user's credentials, and exits 0 when the campaign completed. `pnpm demo --serve` then leaves every
 * service running so the dashboard can be opened on the finished campaign (Ctrl-C stops all).
 */
import path from 'node:path';
import axios, { type AxiosInstance } from 'axios';
import { startStack, type Stack } from '@dialer/testing';
import { ensureDashboardBuilt } from './lib/dashboard-build';
import { demoLeadsCsv } from './lib/demo-leads';
import { demoConnection, ProgressView } from './lib/demo-progress';
import { ROOT, run, tsx } from './lib/run';
import { readEventStream } from './lib/sse';

const LEADS = Number(process.env.DEMO_LEADS ?? 300);
const SERVE = process.argv.slice(2).includes('--serve');
const TIMEOUT_MS = Number(process.env.DEMO_TIMEOUT_MS ?? 300_000);
const say = (s: string) => process.stdout.write(`${s}\n`);

interface Stats {
  status: string;
  totalLeads: number;
  leads: { pending: number; queued: number; dialing: number; done: number };
  attempts: number;
  callsEnded: number;
  connected: number;
  voicemail: number;
  busy: number;
  noAnswer: number;
  failed: number;
  liveCalls: number;
  dispositions: Record<string, number>;
  [k: string]: unknown;
}

function bar(done: number, total: number, width = 30): string {
  const f = total ? Math.round((done / total) * width) : 0;
  return `[${'#'.repeat(f)}${'.'.repeat(width - f)}] ${String(done).padStart(String(total).length)}/${total}`;
}

function progressLine(s: Stats): string {
  return `${bar(s.leads.done, s.totalLeads)}  dialed ${s.attempts}  live ${s.liveCalls}  connected ${s.connected}  ` +
    `voicemail ${s.voicemail}  busy ${s.busy}  no-answer ${s.noAnswer}  failed ${s.failed}  [${s.status}]`;
}

async function main(): Promise<void> {
  const env: Record<string, string> = {
    DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/dialer',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  say('1/6 PostgreSQL and Redis');
  await run('bash', [path.join(ROOT, 'scripts/ensure-services.sh')], {}, true);
  say('2/6 the dashboard build and the migrations');
  ensureDashboardBuilt();
  await tsx('packages/db/src/cli/migrate.ts', [], env);
  say('3/6 starting provider-sim, campaign-api, scheduler, webhook-ingest, metrics-aggregator, dialer-worker');
  const stack: Stack = await startStack({
    env,
    useDefaultPorts: !process.env.DEMO_FREE_PORTS,
    serviceEnv: { 'provider-sim': { SIM_TIME_SCALE: process.env.SIM_TIME_SCALE ?? '0.05' } },
  });
  let exitCode = 1;
  try {
    say('4/6 demo tenant, dashboard user and provider connection');
    const stamp = new Date().toISOString().slice(0, 19);
    const created = JSON.parse((await tsx('services/campaign-api/src/cli/create-tenant.ts', [`demo-${stamp}`], env)).trim()) as { tenantId: string; apiKey: string };
    // Email addresses are unique sign-in names: each demo run's user has its own.
    const demoEmail = `demo-${stamp.replace(/\D/g, '')}@example.com`;
    const user = JSON.parse((await tsx('services/campaign-api/src/cli/create-user.ts', [created.tenantId, demoEmail, '--name', 'Demo Admin'], env)).trim()) as { email: string; password: string };
    const api: AxiosInstance = axios.create({
      baseURL: `${stack.urls['campaign-api']}/v1`,
      headers: { Authorization: `Bearer ${created.apiKey}` },
      validateStatus: () => true,
    });
    const must = async <T>(p: Promise<import('axios').AxiosResponse<T>>, what: string): Promise<T> => {
      const res = await p;
      if (res.status >= 300) throw new Error(`${what} failed (${res.status}): ${JSON.stringify(res.data)}`);
      return res.data;
    };
    const conn = await must<{ id: string }>(api.post('/provider-connections', demoConnection(stack.urls['provider-sim']!)),
      'creating the provider connection');

    say(`5/6 campaign with ${LEADS} leads from a sample CSV`);
    const { csv, zones } = demoLeadsCsv(LEADS);
    const campaign = await must<{ id: string }>(api.post('/campaigns', {
      name: 'Demo: buyer leads follow-up',
      providerConnectionId: conn.id,
      defaultCountry: 'US',
      maxConcurrentCalls: 25,
      maxAttempts: 2,
      callingWindow: { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5, 6, 7] },
      retryPolicy: {
        busy: { enabled: true, delaySeconds: 2 },
        no_answer: { enabled: true, delaySeconds: 2 },
        failed: { enabled: true, delaySeconds: 2 },
        voicemail: { enabled: true, delaySeconds: 2 },
      },
    }), 'creating the campaign');
    const imported = await must<{ accepted: number; rejected: number; duplicates: number }>(
      api.post(`/campaigns/${campaign.id}/leads/csv`, csv, { headers: { 'Content-Type': 'text/csv' } }), 'uploading the CSV');
    say(`    imported ${imported.accepted} leads (rejected ${imported.rejected}, duplicates ${imported.duplicates}); callees in ${zones.join(', ')}`);
    await must(api.post(`/campaigns/${campaign.id}/start`), 'starting the campaign');

    say('6/6 dialing (live progress)');
    const deadline = Date.now() + TIMEOUT_MS;
    let stats: Stats | undefined;
    const view = new ProgressView((s) => process.stdout.write(s), process.stdout.isTTY === true);
    /** Shows one progress line; true when the view is over (completed, or out of time). */
    const show = (s: Stats): boolean => {
      stats = s;
      view.show(progressLine(s));
      return s.status === 'completed' || Date.now() > deadline;
    };
    // Live updates from the campaign's event stream (SSE); polling if the stream fails.
    const streamed = await readEventStream(`${stack.urls['campaign-api']}/v1/campaigns/${campaign.id}/events`,
      { Authorization: `Bearer ${created.apiKey}` }, (event, data) => event === 'stats' && show(data as Stats), deadline);
    if (streamed !== 'done') {
      for (;;) {
        if (show(await must<Stats>(api.get(`/campaigns/${campaign.id}/stats`), 'reading stats'))) break;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    stats ??= await must<Stats>(api.get(`/campaigns/${campaign.id}/stats`), 'reading stats');
    view.finish(progressLine(stats));
    say('\nFinal stats:');
    say(JSON.stringify(stats, null, 2));
    const dashboard = `${stack.urls['campaign-api']}/campaigns/${campaign.id}`;
    if (stats.status === 'completed') {
      exitCode = 0;
      say('\nCampaign completed.');
    } else {
      say(`\nThe campaign did not complete within ${TIMEOUT_MS / 1000} s (status ${stats.status}).`);
    }
    say(`\nDashboard: ${dashboard}`);
    say(`  sign in as ${user.email}  password ${user.password}`);
    say(`API, with this demo tenant's admin key:`);
    say(`  curl -H "Authorization: Bearer ${created.apiKey}" ${stack.urls['campaign-api']}/v1/campaigns/${campaign.id}/stats`);
    if (SERVE) {
      say('\nEverything keeps running: open the dashboard above. Ctrl-C stops all services.');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      say('\nstopping…');
    } else {
      say('(the services stop now: `pnpm demo --serve` keeps them running to look at the dashboard)');
    }
  } finally {
    await stack.stop();
  }
  process.exit(exitCode);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
