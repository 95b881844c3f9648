/**
 * "Now" for every dialing rule (calling windows, due leads, caps, scheduled start and end).
 *
 * Real time by default. `DIALER_CLOCK_OFFSET_MS` (tests and demos only; refused when NODE_ENV is
 * production) shifts it by a fixed amount, so separate processes started with the same value share
 * one fake "now" that still advances in real time. Tests in one process may call setClockOffset.
 */
let offsetMs = readOffset(process.env);

function readOffset(env: NodeJS.ProcessEnv): number {
  const raw = env.DIALER_CLOCK_OFFSET_MS;
  if (raw === undefined || raw.trim() === '') return 0;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`DIALER_CLOCK_OFFSET_MS must be an integer of milliseconds, not "${raw}"`);
  if (n !== 0 && env.NODE_ENV === 'production') throw new Error('DIALER_CLOCK_OFFSET_MS may not be set in production');
  return n;
}

/** Milliseconds since the epoch, by the dialer's clock. */
export function nowMs(): number {
  return Date.now() + offsetMs;
}

/** The dialer's "now". */
export function now(): Date {
  return new Date(Date.now() + offsetMs);
}

/** Real milliseconds until an instant of the dialer's clock (≥ 0): for timers and delayed jobs. */
export function msUntil(at: Date | number): number {
  return Math.max(0, (typeof at === 'number' ? at : at.getTime()) - nowMs());
}

export function clockOffsetMs(): number {
  return offsetMs;
}

/** Shifts this process's clock (tests). */
export function setClockOffset(ms: number): void {
  offsetMs = ms;
}
