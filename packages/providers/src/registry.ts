import type { ProviderAdapter } from './adapter';
import { TwilioAdapter } from './twilio/twilio.adapter';

export interface ProviderConnectionLike {
  type: 'twilio' | 'vapi' | 'exotel';
  baseUrl: string | null;
  config: Record<string, unknown>;
}

export interface AdapterOptions {
  /** Timeout of each provider HTTP request. */
  requestTimeoutMs?: number;
}

/** Builds the adapter for a provider connection from its settings and decrypted secrets. */
export function createAdapter(conn: ProviderConnectionLike, secrets: Record<string, string>, opts: AdapterOptions = {}): ProviderAdapter {
  switch (conn.type) {
    case 'twilio':
      return new TwilioAdapter({
        accountSid: String(conn.config.accountSid ?? ''),
        fromNumber: String(conn.config.fromNumber ?? ''),
        twimlUrl: conn.config.twimlUrl ? String(conn.config.twimlUrl) : undefined,
        authToken: secrets.authToken ?? '',
        baseUrl: conn.baseUrl ?? undefined,
        requestTimeoutMs: opts.requestTimeoutMs,
      });
    default:
      throw new Error(`provider type ${conn.type} is not supported yet`);
  }
}
