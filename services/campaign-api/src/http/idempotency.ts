import type { Request, Response } from 'express';
import type { DataSource } from '@dialer/db';
import { AppError, sha256Hex } from '@dialer/platform';
import { claimKey, findKey, purgeExpiredKeys, releaseKey, storeAnswer } from './idempotency-keys.repository';

/** What a create answers; stored under its Idempotency-Key and replayed for a repeat. */
export interface StoredAnswer {
  status: number;
  body: unknown;
  location?: string;
}

const KEY = /^[\x21-\x7e]{1,255}$/;

/** How long a key is remembered (rows older than this are removed on the next use of the table). */
export const IDEMPOTENCY_TTL_HOURS = 24;

/**
 * Runs a create at most once per `Idempotency-Key` (per tenant). The first request claims the key
 * (a row with no answer yet) and stores its answer; a repeat with the same method, path and body
 * gets the stored answer again (header `Idempotent-Replayed: true`); a repeat while the first is
 * still running gets 409 idempotency_in_progress; the same key on another request gets 422
 * idempotency_key_reused. A create that fails releases the key, so it can be retried.
 * Without the header the create just runs. `bodyHash` null: the body is not part of the
 * fingerprint (streamed uploads).
 */
export async function idempotent(
  ds: DataSource, req: Request, res: Response, tenantId: string, bodyHash: string | null,
  run: () => Promise<StoredAnswer>,
  /** What is kept for replays, when not the whole answer (a secret shown once is left out). */
  toStore: (answer: StoredAnswer) => StoredAnswer = (a) => a,
): Promise<void> {
  const key = req.get('idempotency-key');
  if (key === undefined) {
    send(res, await run(), false);
    return;
  }
  if (!KEY.test(key)) {
    throw new AppError('invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters', { status: 400 });
  }
  const fingerprint = sha256Hex(`${req.method} ${req.baseUrl}${req.path}\n${bodyHash ?? ''}`);
  await purgeExpiredKeys(ds, tenantId, IDEMPOTENCY_TTL_HOURS);
  if (!await claimKey(ds, tenantId, key, fingerprint)) {
    const prior = await findKey(ds, tenantId, key);
    if (!prior) throw new AppError('idempotency_in_progress', 'a request with this Idempotency-Key just ended; retry', { status: 409 });
    if (prior.fingerprint !== fingerprint) {
      throw new AppError('idempotency_key_reused', 'this Idempotency-Key was used for a different request', { status: 422 });
    }
    if (prior.status_code === null) {
      throw new AppError('idempotency_in_progress', 'a request with this Idempotency-Key is still running; retry later', { status: 409 });
    }
    send(res, { status: prior.status_code, body: prior.response, ...(prior.location ? { location: prior.location } : {}) }, true);
    return;
  }
  let answer: StoredAnswer;
  try {
    answer = await run();
  } catch (err) {
    await releaseKey(ds, tenantId, key).catch(() => undefined);
    throw err;
  }
  await storeAnswer(ds, tenantId, key, toStore(answer));
  send(res, answer, false);
}

/** The fingerprint of a JSON body. */
export function jsonBodyHash(body: unknown): string {
  return sha256Hex(JSON.stringify(body ?? null));
}

function send(res: Response, a: StoredAnswer, replayed: boolean): void {
  if (replayed) res.set('Idempotent-Replayed', 'true');
  if (a.location) res.location(a.location);
  res.status(a.status).json(a.body);
}
