/**
 * The README's "Your first campaign by API" block, run as it is (bash, curl, pnpm) against every
 * service as its own process: only the two local addresses are pointed at this test's stack. The
 * services share a clock set to a weekday noon in Los Angeles, so the lead's calling window is open.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import axios from 'axios';
import { DateTime } from 'luxon';
import { createTestContext, eventually, REPO_ROOT, startStack, type Stack, type TestContext } from '@dialer/testing';

jest.setTimeout(180_000);

/** The bash block under the heading. */
function readmeBlock(heading: string): string {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(`## ${heading}`);
  expect(at).toBeGreaterThanOrEqual(0);
  const block = /```bash\n([\s\S]*?)```/.exec(readme.slice(at))?.[1];
  expect(block).toBeDefined();
  return block!;
}

describe('the README walkthrough', () => {
  let ctx: TestContext;
  let stack: Stack;

  beforeAll(async () => {
    ctx = await createTestContext('readme');
    // Next Wednesday, 12:00 in Los Angeles, for every service (the shared fake clock).
    const noon = DateTime.now().setZone('America/Los_Angeles').plus({ weeks: 1 }).set({ weekday: 3, hour: 12, minute: 0, second: 0, millisecond: 0 });
    stack = await startStack({
      env: { ...ctx.env, FEEDER_INTERVAL_MS: '200', DIALER_CLOCK_OFFSET_MS: String(noon.toMillis() - Date.now()) },
      serviceEnv: { 'provider-sim': { SIM_TIME_SCALE: '0.02', SIM_OUTCOMES: 'completed:1', SIM_SEED: '1' } },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await ctx?.close();
  });

  it('when "Your first campaign by API" is run as written, then the campaign is created, started, watched to its end and its call listed', () => {
    const block = readmeBlock('Your first campaign by API')
      .replaceAll('http://127.0.0.1:3000', stack.urls['campaign-api'])
      .replaceAll('http://127.0.0.1:3010', stack.urls['provider-sim']);
    // What the block leaves in its variables, for the checks below.
    const script = `set -euo pipefail\n${block}\necho; echo "RESULT $KEY $CAMPAIGN"\n`;
    const r = spawnSync('bash', ['-c', script], { cwd: REPO_ROOT, env: { ...process.env, ...ctx.env }, encoding: 'utf8', timeout: 120_000 });
    // pnpm echoes the script it runs ("$ tsx …") on stderr; nothing else may be there.
    const stderr = r.stderr.split('\n').filter((l) => l && !l.startsWith('$ ')).join('\n');
    expect({ status: r.status, stderr }).toEqual({ status: 0, stderr: '' });
    const [, key, campaignId] = /RESULT (\S+) (\S+)/.exec(r.stdout) ?? [];
    expect(campaignId).toMatch(/^[0-9a-f-]{36}$/);
    // The CSV import answer, the start answer, the stats, the stream's last event and the call list all printed.
    expect(r.stdout).toContain('"accepted":1');
    expect(r.stdout).toContain('"status":"running"');
    expect(r.stdout).toMatch(/event: end\ndata: \{[^\n]*"status":"completed"/);
    expect(r.stdout).toContain('"firstName":"Ada"');
    return eventually(async () => {
      const s = (await axios.get(`${stack.urls['campaign-api']}/v1/campaigns/${campaignId!}/stats`, { headers: { Authorization: `Bearer ${key!}` } })).data;
      return s.status === 'completed' && s.connected === 1;
    }, { what: 'the walkthrough campaign completed with its one call connected' });
  });
});
