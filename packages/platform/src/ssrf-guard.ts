import { lookup as dnsLookup, type LookupAddress, type LookupOneOptions } from 'node:dns';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { AppError } from './errors';

/**
 * The guard against server-side request forgery for requests to URLs a tenant gives (outbound
 * webhooks): no connection to a private, loopback, link-local, CGNAT, multicast or otherwise
 * reserved address. It is checked at connect time (the Agent's `lookup`), on every address a name
 * resolves to, so a name that resolves to a private address — or starts to after it was saved (DNS
 * rebinding) — is refused too. Redirects are not followed by the callers.
 */
// Two lists: a BlockList with IPv6 rules such as ::ffff:0:0/96 also matches the IPv4 addresses they map.
const blocked4 = new BlockList();
const blocked6 = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked4.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128], ['::1', 128], ['::ffff:0:0', 96], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) blocked6.addSubnet(net, bits, 'ipv6');

/** Whether an IP address is one a tenant's URL may not reach. */
export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return true;
  if (family === 6) {
    // An IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    if (mapped) return blocked4.check(mapped[1]!, 'ipv4');
    return blocked6.check(ip, 'ipv6');
  }
  return blocked4.check(ip, 'ipv4');
}

/** Throws (`ssrf_blocked`) when the address is private, loopback, link-local or reserved. */
export function assertPublicAddress(ip: string): void {
  if (isPrivateAddress(ip)) {
    throw new AppError('ssrf_blocked', `the address ${ip} is private, loopback, link-local or reserved: deliveries may not go there`, { status: 422 });
  }
}

/**
 * A `lookup` for http(s).Agent / net.connect that resolves as usual and refuses private addresses
 * (every address of the answer). `resolve` is the resolver (dns.lookup; tests inject one).
 */
export function guardedLookup(resolve: typeof dnsLookup = dnsLookup): LookupFunction {
  return ((hostname: string, options: LookupOneOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      const list = addresses as unknown as LookupAddress[];
      const bad = list.find((a) => isPrivateAddress(a.address));
      if (bad || list.length === 0) {
        const e = Object.assign(new Error(`${hostname} resolves to ${bad?.address ?? 'nothing'}: private, loopback, link-local or reserved addresses are refused`), { code: 'ESSRF' });
        return callback(e, '', 4);
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      const first = list[0]!;
      callback(null, first.address, first.family);
    });
  }) as LookupFunction;
}

/** A refused target of a request (code `ESSRF`); its message names the host, never a URL's credentials. */
export class SsrfBlockedError extends Error {
  readonly code = 'ESSRF';
  constructor(readonly address: string) {
    super(`refused to connect to ${address}: a private, loopback or link-local address`);
    this.name = 'SsrfBlockedError';
  }
}

/**
 * Throws SsrfBlockedError when the URL's host is a literal blocked IP or `localhost` (a literal IP
 * never goes through the agents' lookup). Names are checked at connect time by guardedLookup.
 */
export function assertPublicTarget(url: string): void {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) throw new SsrfBlockedError(host);
  if (isIP(host) && isPrivateAddress(host)) throw new SsrfBlockedError(host);
}

export interface OutboundAgents {
  httpAgent: HttpAgent;
  httpsAgent: HttpsAgent;
  /** Checks a URL before a request (literal IPs); a no-op when private targets are allowed. */
  check(url: string): void;
}

/**
 * Keep-alive HTTP(S) agents for tenant-chosen URLs (the pre-dial hook). With `allowPrivate` false
 * (production) every connection goes through guardedLookup; with it true (development, tests) they
 * connect anywhere.
 */
export function outboundAgents(o: { allowPrivate: boolean; maxSockets?: number }): OutboundAgents {
  const common = { keepAlive: true, maxSockets: o.maxSockets ?? 256, ...(o.allowPrivate ? {} : { lookup: guardedLookup() }) };
  return {
    httpAgent: new HttpAgent(common as ConstructorParameters<typeof HttpAgent>[0]),
    httpsAgent: new HttpsAgent(common as ConstructorParameters<typeof HttpsAgent>[0]),
    check: o.allowPrivate ? () => undefined : assertPublicTarget,
  };
}
