import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertPublicTarget, isPrivateAddress as isBlockedAddress, outboundAgents, SsrfBlockedError } from '../src/ssrf-guard';

describe('SSRF guard', () => {
  it('when an address is private, loopback, link-local, CGNAT, multicast or unspecified, then it is blocked; public ones pass', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
      '224.0.0.1', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '[::1]']) {
      expect([ip, isBlockedAddress(ip)]).toEqual([ip, true]);
    }
    for (const ip of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) {
      expect([ip, isBlockedAddress(ip)]).toEqual([ip, false]);
    }
  });

  it('when a URL names a literal private IP or localhost, then it is refused before any request', () => {
    expect(() => assertPublicTarget('http://127.0.0.1:8080/x')).toThrow(SsrfBlockedError);
    expect(() => assertPublicTarget('http://[::1]/x')).toThrow(SsrfBlockedError);
    expect(() => assertPublicTarget('https://localhost/x')).toThrow(SsrfBlockedError);
    expect(() => assertPublicTarget('https://93.184.216.34/x')).not.toThrow();
  });

  describe('at connect time', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer((_req, res) => res.end('reached'));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      await new Promise((r) => server.close(r));
    });

    function fetchVia(allowPrivate: boolean): Promise<string> {
      const agents = outboundAgents({ allowPrivate });
      return new Promise<string>((resolve, reject) => {
        // A name (not a literal IP): only the agent's lookup sees the address it resolves to.
        get({ host: 'localhost', port, path: '/', agent: agents.httpAgent, family: 4 }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(body));
        }).on('error', reject);
      }).finally(() => {
        agents.httpAgent.destroy();
        agents.httpsAgent.destroy();
      });
    }

    it('when a name resolves to a loopback address and private targets are not allowed, then the connection is refused', async () => {
      await expect(fetchVia(false)).rejects.toMatchObject({ code: 'ESSRF' });
    });

    it('when private targets are allowed (development), then the same request reaches the server', async () => {
      await expect(fetchVia(true)).resolves.toBe('reached');
    });
  });
});
