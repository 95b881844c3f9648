import axios, { isAxiosError, type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { ProviderError } from '../adapter';

export interface ProviderHttpOptions {
  /** Name used in error messages ("Twilio", "Vapi", "Exotel"). */
  provider: string;
  baseURL: string;
  timeoutMs?: number;
  auth?: { username: string; password: string };
  headers?: Record<string, string>;
  /** Tries per request (first try included). */
  tries?: number;
  /** First backoff step; doubled per retry, with ±50% jitter. */
  backoffMs?: number;
}

/** Network errors after which the request may have reached the provider. */
const SENT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);

/**
 * One provider's HTTP client: axios with a timeout, retries with exponential backoff and jitter on
 * network errors, 5xx and 429, and every failure turned into a typed ProviderError:
 * 429 → capacity, other 4xx → rejected, 5xx / network before sending → transient, and a create that
 * may have reached the provider (timeout or reset after sending) → ambiguous, never retried.
 */
export class ProviderHttp {
  readonly axios: AxiosInstance;
  private readonly tries: number;
  private readonly backoffMs: number;

  constructor(private readonly opts: ProviderHttpOptions) {
    this.axios = axios.create({
      baseURL: opts.baseURL.replace(/\/+$/, ''),
      auth: opts.auth,
      headers: opts.headers,
      timeout: opts.timeoutMs ?? 5_000,
      validateStatus: () => true,
      maxRedirects: 0,
    });
    this.tries = Math.max(1, opts.tries ?? 3);
    this.backoffMs = opts.backoffMs ?? 200;
  }

  /** Sends `config`; `creating` marks a request that creates something (a call): never retried once it may have arrived. */
  async send<T = unknown>(config: AxiosRequestConfig, creating: boolean): Promise<AxiosResponse<T>> {
    const name = this.opts.provider;
    let lastErr: ProviderError | undefined;
    for (let attempt = 0; attempt < this.tries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, backoffDelay(this.backoffMs, attempt)));
      let res: AxiosResponse<T>;
      try {
        res = await this.axios.request<T>(config);
      } catch (err) {
        if (!isAxiosError(err)) throw err;
        const code = err.code ?? '';
        if (creating && SENT_CODES.has(code)) {
          throw new ProviderError('ambiguous', `${name} did not answer in time (${code})`);
        }
        lastErr = new ProviderError('transient', `${name} unreachable: ${code || err.message}`);
        continue;
      }
      if (res.status >= 200 && res.status < 300) return res;
      const msg = errorMessage(res.data) ?? `HTTP ${res.status}`;
      if (res.status === 429) {
        lastErr = new ProviderError('capacity', `${name} is at capacity: ${msg}`, 429);
        continue;
      }
      if (res.status >= 500) {
        lastErr = new ProviderError('transient', `${name} error ${res.status}: ${msg}`, res.status);
        continue;
      }
      throw new ProviderError('rejected', `${name} refused the request (${res.status}): ${msg}`, res.status);
    }
    throw lastErr ?? new ProviderError('transient', `${name} request failed`);
  }
}

/** Exponential backoff with ±50% jitter: base × 2^(attempt-1) × [0.5, 1.5). */
export function backoffDelay(baseMs: number, attempt: number, random: () => number = Math.random): number {
  return Math.round(baseMs * 2 ** (attempt - 1) * (0.5 + random()));
}

function errorMessage(data: unknown): string | undefined {
  if (data && typeof data === 'object') {
    const d = data as { message?: unknown; RestException?: { Message?: unknown } };
    if (typeof d.message === 'string') return d.message;
    if (Array.isArray(d.message)) return d.message.join('; ');
    if (typeof d.RestException?.Message === 'string') return d.RestException.Message;
  }
  if (typeof data === 'string' && data.length < 300) return data;
  return undefined;
}
