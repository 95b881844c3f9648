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

const PHONE_LIKE = /\+?\d[\d\s().-]{7,}\d/g;

/** Masks anything that looks like a phone number inside a free-text message. */
export function maskPhones(text: string): string {
  return text.replace(PHONE_LIKE, (m) => {
    const digits = m.replace(/\D/g, '').length;
    return (m.startsWith('+') && digits >= 8) || (digits >= 10 && digits <= 15) ? '[phone]' : m;
  });
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
