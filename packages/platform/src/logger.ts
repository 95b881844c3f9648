import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** Carries a request or job id through async calls so every log line can name it. */
export const logContext = new AsyncLocalStorage<Record<string, unknown>>();

export function withLogContext<T>(ctx: Record<string, unknown>, fn: () => T): T {
  return logContext.run({ ...(logContext.getStore() ?? {}), ...ctx }, fn);
}

/** Keys whose values are phone numbers or secrets: never written to logs. */
export const REDACTED_KEYS = [
  'phone', 'phoneE164', 'phone_e164', 'to', 'from', 'To', 'From', 'Called', 'Caller', 'number', 'customer',
  'authorization', 'Authorization', 'apiKey', 'api_key', 'authToken', 'auth_token', 'token', 'secret', 'password',
  'secrets', 'credentials', 'x-twilio-signature', 'x-vapi-secret', 'cookie',
];

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const k of REDACTED_KEYS) {
    const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
    const dot = key.startsWith('[') ? '' : '.';
    paths.push(key, `*${dot}${key}`, `*.*${dot}${key}`, `req.headers${dot}${key}`);
  }
  return paths;
}

// A run of digits (with the separators people write) that is not part of a longer word: never the
// digits inside a UUID, a hex id or a token, whose neighbours are letters, digits or hyphens.
const PHONE_LIKE = /(?<![\w-])\+?\d[\d\s().-]{7,}\d(?![\w-])/g;

/** Masks anything that looks like a phone number inside a free-text message. */
export function maskPhones(text: string): string {
  return text.replace(PHONE_LIKE, (m) => {
    const digits = m.replace(/\D/g, '').length;
    return (m.startsWith('+') && digits >= 8) || (digits >= 10 && digits <= 15) ? '[phone]' : m;
  });
}

/** Fields of database errors that can carry phone numbers: bound parameters, the failing row, the query. */
const DB_ERROR_FIELDS = new Set(['parameters', 'detail', 'where', 'query', 'driverError']);

/**
 * pino's standard error serializer, minus the database error fields above and with phone-like
 * numbers masked in the message and stack. Applied to every logged `err`.
 */
export function serializeError(err: unknown): unknown {
  const out = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  if (!out || typeof out !== 'object') return out;
  for (const k of Object.keys(out)) if (DB_ERROR_FIELDS.has(k)) delete out[k];
  for (const k of ['message', 'stack']) if (typeof out[k] === 'string') out[k] = maskPhones(out[k] as string);
  if (out.cause && typeof out.cause === 'object') out.cause = serializeError(out.cause);
  return out;
}

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where to write; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
}

export function createLogger(opts: LoggerOptions): Logger {
  return pino(
    {
      name: opts.service,
      level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: redactPaths(), censor: '[redacted]' },
      mixin: () => logContext.getStore() ?? {},
      serializers: { err: serializeError, error: serializeError },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? maskPhones(a) : a)) as Parameters<typeof method>;
          return method.apply(this, masked);
        },
      },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.destination,
  );
}
