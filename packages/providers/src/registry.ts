import { decryptSecret } from '@dialer/platform';
import type { ProviderAdapter, ProviderType } from './adapter';
import { ExotelAdapter } from './exotel/exotel.adapter';
import { TwilioAdapter } from './twilio/twilio.adapter';
import type { VapiWebhookAuth } from './vapi/vapi-auth';
import { VapiAdapter } from './vapi/vapi.adapter';

export interface ProviderConnectionLike {
  type: ProviderType;
  baseUrl: string | null;
  config: Record<string, unknown>;
}

export interface AdapterOptions {
  /** Timeout of each provider HTTP request. */
  requestTimeoutMs?: number;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const optText = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const optInt = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);

/** A connection's sealed credentials could not be opened with the key given (SECRETS_KEY). */
export class ConnectionSecretsError extends Error {
  constructor() {
    super('the connection\'s credentials cannot be decrypted with SECRETS_KEY');
    this.name = 'ConnectionSecretsError';
  }
}

/** The connection's credentials: sealed JSON (encryptSecret), opened with the secrets key. */
export function openSecrets(sealed: string, secretsKey: string): Record<string, string> {
  try {
    return JSON.parse(decryptSecret(sealed, secretsKey)) as Record<string, string>;
  } catch {
    throw new ConnectionSecretsError();
  }
}

/** createAdapter for a stored connection: opens its sealed credentials first (ConnectionSecretsError). */
export function adapterFromSealed(
  conn: ProviderConnectionLike & { secretsSealed: string }, secretsKey: string, opts: AdapterOptions = {},
): ProviderAdapter {
  return createAdapter(conn, openSecrets(conn.secretsSealed, secretsKey), opts);
}

/**
 * Builds the adapter for a provider connection from its settings (`config`, non-secret) and its
 * decrypted secrets. Shapes per type:
 * - twilio: config {accountSid, fromNumber, fromNumbers?, twimlUrl?, machineDetection?, record?, timeLimitSeconds?}; secrets {authToken}
 * - vapi: config {assistantId, phoneNumberId, webhookAuth?, serverCredentialId?, timeLimitSeconds?}; secrets {apiKey, webhookSecret}
 * - exotel: config {accountSid, callerId, flowUrl? | agentNumber?, callType?, record?, timeLimitSeconds?}; secrets {apiKey, apiToken, webhookToken}
 */
export function createAdapter(conn: ProviderConnectionLike, secrets: Record<string, string>, opts: AdapterOptions = {}): ProviderAdapter {
  const c = conn.config;
  const baseUrl = conn.baseUrl ?? undefined;
  switch (conn.type) {
    case 'twilio':
      return new TwilioAdapter({
        accountSid: text(c.accountSid),
        fromNumber: text(c.fromNumber),
        fromNumbers: Array.isArray(c.fromNumbers) ? c.fromNumbers.filter((n): n is string => typeof n === 'string') : undefined,
        twimlUrl: optText(c.twimlUrl),
        machineDetection: c.machineDetection === 'Enable' || c.machineDetection === 'DetectMessageEnd' ? c.machineDetection : undefined,
        record: c.record === true,
        timeLimitSeconds: optInt(c.timeLimitSeconds),
        authToken: secrets.authToken ?? '',
        baseUrl,
        requestTimeoutMs: opts.requestTimeoutMs,
      });
    case 'vapi':
      return new VapiAdapter({
        apiKey: secrets.apiKey ?? '',
        webhookSecret: secrets.webhookSecret ?? '',
        assistantId: text(c.assistantId),
        phoneNumberId: text(c.phoneNumberId),
        webhookAuth: (c.webhookAuth as VapiWebhookAuth | undefined) ?? undefined,
        serverCredentialId: optText(c.serverCredentialId),
        timeLimitSeconds: optInt(c.timeLimitSeconds),
        baseUrl,
        requestTimeoutMs: opts.requestTimeoutMs,
      });
    case 'exotel':
      return new ExotelAdapter({
        accountSid: text(c.accountSid),
        apiKey: secrets.apiKey ?? '',
        apiToken: secrets.apiToken ?? '',
        webhookToken: secrets.webhookToken ?? '',
        callerId: text(c.callerId),
        flowUrl: optText(c.flowUrl),
        agentNumber: optText(c.agentNumber),
        callType: optText(c.callType),
        record: c.record === true,
        timeLimitSeconds: optInt(c.timeLimitSeconds),
        baseUrl,
        requestTimeoutMs: opts.requestTimeoutMs,
      });
    default:
      throw new Error(`provider type ${String((conn as { type: unknown }).type)} is not supported`);
  }
}
