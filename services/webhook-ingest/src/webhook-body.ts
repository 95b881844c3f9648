import type { Request } from 'express';
import { AppError, unstorableInput } from '@dialer/platform';

/**
 * Parses the raw body of a webhook by its content type: JSON, or a form (repeated names become
 * arrays, as Twilio sends them). Throws AppError 400 `invalid_webhook` naming what is wrong.
 */
export function parseWebhookBody(req: Request, raw: string): Record<string, unknown> {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.includes('application/json')) {
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (err) {
      throw new AppError('invalid_webhook', `the body is not valid JSON: ${(err as Error).message}`, { status: 400 });
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw new AppError('invalid_webhook', 'the JSON body must be an object', { status: 400 });
    }
    return storable(v as Record<string, unknown>);
  }
  if (type.includes('application/x-www-form-urlencoded') || (type === '' && raw === '')) {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(raw)) {
      const prev = out[k];
      if (prev === undefined) out[k] = v;
      else if (Array.isArray(prev)) prev.push(v);
      else out[k] = [prev, v];
    }
    return storable(out);
  }
  throw new AppError('invalid_webhook', `unsupported content type "${type || 'none'}": send JSON or a form`, { status: 400 });
}

/**
 * Before any signature check walks it and before it is stored: a body nested too deep, or holding
 * what Postgres cannot store (a NUL, a lone surrogate), is a 400 naming where.
 */
function storable<T extends Record<string, unknown>>(body: T): T {
  const problem = unstorableInput(body);
  if (problem) throw new AppError('invalid_webhook', `the body is invalid: ${problem.reason}`, { status: 400, details: [problem] });
  return body;
}
