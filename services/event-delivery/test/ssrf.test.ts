import type { LookupAddress } from 'node:dns';
import { createLogger, guardedLookup, isPrivateAddress, loadConfig, assertPublicAddress } from '@dialer/platform';
import { createTestContext, eventually, startWebhookSink, type TestContext, type WebhookSink } from '@dialer/testing';
import { EventDeliveryConfig, guardsAddresses } from '../src/config';
import { Agents, postSigned, signers } from '../src/post-signed';
import { startService } from '../src/service';

const SECRET = `whsec_${Buffer.from('a test secret of thirty-two bytes!!').toString('base64')}`;
const POST = { timeoutMs: 2_000, excerptBytes: 1_024 };

/** A resolver that answers `address` for every name (what a hostile DNS record does). */
function resolvesTo(...addresses: string[]) {
  return ((_host: string, _opts: unknown, cb: (err: Error | null, a: LookupAddress[]) => void) => {
    cb(null, addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  }) as unknown as typeof import('node:dns').lookup;
}

describe('SSRF guard', () => {
  it('when an address is private, loopback, link-local, CGNAT, reserved or IPv4-mapped private, then it is refused; public ones pass', () => {
    for (const ip of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '127.0.0.1', '127.8.8.8', '169.254.169.254', '100.64.0.1', '0.0.0.0',
      '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not-an-ip']) {
      expect({ ip, refused: isPrivateAddress(ip) }).toEqual({ ip, refused: true });
    }
    for (const ip of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect({ ip, refused: isPrivateAddress(ip) }).toEqual({ ip, refused: false });
    }
    expect(() => assertPublicAddress('169.254.169.254')).toThrow(/private, loopback, link-local or reserved/);
    expect(() => assertPublicAddress('93.184.216.34')).not.toThrow();
  });

  it('when a name resolves to a private address (any of its addresses), then the connect-time lookup refuses it', async () => {
    const look = (resolve: ReturnType<typeof resolvesTo>) => new Promise<string>((ok, fail) => {
      guardedLookup(resolve)('hook.example.com', { family: 0 } as never, (err, address) => (err ? fail(err) : ok(String(address))));
    });
    await expect(look(resolvesTo('10.0.0.7'))).rejects.toThrow(/hook.example.com resolves to 10.0.0.7/);
    await expect(look(resolvesTo('93.184.216.34', '127.0.0.1'))).rejects.toThrow(/127.0.0.1/);
    await expect(look(resolvesTo('93.184.216.34'))).resolves.toBe('93.184.216.34');
  });

  it('when production semantics are configured, then the guard is on whatever WEBHOOK_ALLOW_PRIVATE says; outside production it is off unless asked', () => {
    expect(guardsAddresses({ NODE_ENV: 'production', WEBHOOK_ALLOW_PRIVATE: true })).toBe(true);
    expect(guardsAddresses({ NODE_ENV: 'production' })).toBe(true);
    expect(guardsAddresses({ NODE_ENV: 'development' })).toBe(false);
    expect(guardsAddresses({ NODE_ENV: 'test', WEBHOOK_ALLOW_PRIVATE: false })).toBe(true);
  });

  describe('at connect time', () => {
    let sink: WebhookSink;
    beforeAll(async () => {
      sink = await startWebhookSink();
    });
    afterAll(async () => {
      await sink.close();
    });

    it('when the guard is on, then neither a loopback IP nor a name resolving to loopback is reached; with it off the same sink is', async () => {
      const guarded = new Agents(true);
      const open = new Agents(false);
      try {
        const msg = { id: 'msg_1', body: '{"a":1}' };
        const byIp = await postSigned(`${sink.url}/ip`, signers([SECRET]), msg, guarded, { ...POST, guard: true });
        expect(byIp).toMatchObject({ ok: false, statusCode: null, error: expect.stringMatching(/refused: 127.0.0.1/) });
        const byName = await postSigned(`http://localhost:${sink.port}/name`, signers([SECRET]), msg, guarded, { ...POST, guard: true });
        expect(byName).toMatchObject({ ok: false, statusCode: null, error: expect.stringMatching(/refused: localhost resolves to/) });
        expect(sink.received).toEqual([]);
        const allowed = await postSigned(`${sink.url}/open`, signers([SECRET]), msg, open, { ...POST, guard: false });
        expect(allowed).toMatchObject({ ok: true, statusCode: 200 });
        expect(sink.received.map((r) => r.path)).toEqual(['/open']);
      } finally {
        guarded.destroy();
        open.destroy();
      }
    });
  });

  describe('the delivery worker configured as in production', () => {
    let ctx: TestContext;
    let sink: WebhookSink;
    beforeAll(async () => {
      ctx = await createTestContext('ssrf');
      sink = await startWebhookSink();
    });
    afterAll(async () => {
      await sink.close();
      await ctx.close();
    });

    it('when an endpoint points at a private address, then its delivery is refused at connect time and logged as such, and nothing reaches it', async () => {
      const { createTenant } = await import('@dialer/campaign-api');
      const { encryptSecret } = await import('@dialer/platform');
      const { insertOutboundEnvelopes } = await import('@dialer/db');
      const tenant = await createTenant(ctx.ds, 'ssrf');
      const key = 'production-secrets-key-for-the-test';
      const [ep] = await ctx.ds.query(
        `INSERT INTO webhook_endpoints (tenant_id, url, event_types, secret_sealed) VALUES ($1, $2, '{campaign.status_changed}', $3) RETURNING id`,
        [tenant.tenantId, `http://localhost:${sink.port}/private`, encryptSecret(SECRET, key)]);
      const logger = createLogger({ service: 'ssrf-test', level: 'silent' });
      // Production semantics come from the config given to the service, not from process.env.
      const svc = await startService(loadConfig(EventDeliveryConfig, {
        ...ctx.env, NODE_ENV: 'production', SECRETS_KEY: key, EVENT_DELIVERY_PORT: '0', RELAY_INTERVAL_MS: '20', DELIVERY_RETRY_BASE_MS: '100000',
      }), logger);
      try {
        const env = { id: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d', type: 'campaign.status_changed', createdAt: new Date().toISOString(), tenantId: tenant.tenantId, data: {} };
        await insertOutboundEnvelopes(ctx.ds, [{ env, campaignId: null }]);
        const [attempt] = await eventually(async () => {
          const rows = await ctx.ds.query(`SELECT a.status_code, a.error FROM webhook_delivery_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1`, [ep.id]);
          return rows.length ? rows : undefined;
        }, { what: 'the refused attempt' });
        expect(attempt).toEqual({ status_code: null, error: expect.stringMatching(/^refused: localhost resolves to (127\.0\.0\.1|::1)/) });
        expect(sink.received).toEqual([]);
      } finally {
        await svc.stop();
      }
    });
  });
});
