import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP } from 'node:net';

/**
 * A guard against server-side request forgery for outbound HTTP to URLs that tenants choose (the
 * pre-dial hook, outbound webhooks): no request to a private, loopback, link-local, CGNAT,
 * multicast or unspecified address. It is checked where it cannot be dodged — when the socket
 * connects, on the addresses DNS actually returned (a custom `lookup` in the agents), so a name that
 * resolves to 127.0.0.1, or re-resolves to it after a check at save time, is refused — and for a
 * literal IP in the URL (which skips the lookup) before the request.
 */

/** The error of a refused target (code `ESSRF`); its message names the address, never a URL's credentials. */
export class SsrfBlockedError extends Error {
  readonly code = 'ESSRF';
  constructor(readonly address: string) {
    super(`refused to connect to ${address}: a private, loopback or link-local address`);
    this.name = 'SsrfBlockedError';
  }
}

function v4Blocked(ip: string): boolean {
  const p = ip.split('.').map(Number);
  const [a = 0, b = 0] = p;
  return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31)
    || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || (a === 192 && b === 0 && p[2] === 0)
    || (a === 198 && (b === 18 || b === 19)) || a >= 224;
}

/** Is this IP address one that outbound requests must never reach? (Not an IP at all: true, to be safe.) */
export function isBlockedAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '').split('%')[0]!.toLowerCase();
  const kind = isIP(ip);
  if (kind === 4) return v4Blocked(ip);
  if (kind !== 6) return true;
  const mapped = /^(?:0{0,4}:){0,5}(?:0{0,4}:)?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip) ?? /^::(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped) return v4Blocked(mapped[1]!);
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip);
  if (hex) {
    const n = (parseInt(hex[1]!, 16) << 16) | parseInt(hex[2]!, 16);
    return v4Blocked([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'));
  }
  if (ip === '::' || ip === '::1') return true;
  const first = parseInt(ip.split(':')[0] || '0', 16);
  return (first & 0xfe00) === 0xfc00 /* fc00::/7 unique local */ || (first & 0xffc0) === 0xfe80 /* fe80::/10 link-local */
    || (first & 0xff00) === 0xff00 /* multicast */;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `dns.lookup` that fails with SsrfBlockedError when any address the name resolves to is blocked. */
export function guardedLookup(hostname: string, options: LookupOptions | number | LookupCallback, callback?: LookupCallback): void {
  const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
  const opts: LookupOptions = typeof options === 'object' ? options : typeof options === 'number' ? { family: options } : {};
  dnsLookup(hostname, { ...opts, all: true }, (err, addresses) => {
    if (err) return cb(err, opts.all ? [] : '');
    const list = addresses;
    const blocked = list.find((a) => isBlockedAddress(a.address));
    if (blocked) return cb(new SsrfBlockedError(blocked.address) as unknown as NodeJS.ErrnoException, opts.all ? [] : '');
    if (opts.all) return cb(null, list);
    const first = list[0];
    if (!first) return cb(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
    cb(null, first.address, first.family);
  });
}

/**
 * Throws SsrfBlockedError when the URL's host is a literal blocked IP or `localhost` (a literal IP
 * never goes through the lookup). Names are checked at connect time by the agents' lookup.
 */
export function assertPublicTarget(url: string): void {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) throw new SsrfBlockedError(host);
  if (isIP(host) && isBlockedAddress(host)) throw new SsrfBlockedError(host);
}

export interface OutboundAgents {
  httpAgent: HttpAgent;
  httpsAgent: HttpsAgent;
  /** Checks a URL before a request (literal IPs); a no-op when private targets are allowed. */
  check(url: string): void;
}

/**
 * HTTP(S) agents for tenant-chosen URLs, with keep-alive. With `allowPrivate` false (production)
 * every connection goes through guardedLookup; with it true (development, tests) they connect anywhere.
 */
export function outboundAgents(o: { allowPrivate: boolean; maxSockets?: number }): OutboundAgents {
  const common = { keepAlive: true, maxSockets: o.maxSockets ?? 256, ...(o.allowPrivate ? {} : { lookup: guardedLookup }) };
  return {
    httpAgent: new HttpAgent(common as ConstructorParameters<typeof HttpAgent>[0]),
    httpsAgent: new HttpsAgent(common as ConstructorParameters<typeof HttpsAgent>[0]),
    check: o.allowPrivate ? () => undefined : assertPublicTarget,
  };
}
