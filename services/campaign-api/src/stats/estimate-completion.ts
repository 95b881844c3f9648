import { DEFAULT_CALLING_WINDOW, isCallableAt, nextCallableAt, parseHhmm, resolveWindow, type CallingWindow } from '@dialer/domain';

export interface CompletionInput {
  now: Date;
  /** Leads not done yet (pending, queued, dialing). */
  openLeads: number;
  /** Calls ended per minute, recently. */
  callsPerMinute: number;
  /** Calls a lead has taken on average until it ended (at least 1). */
  callsPerLead: number;
  window: CallingWindow;
  zone: string;
}

/** Days of calling windows walked at most; beyond, the estimate is "unknown" (null). */
const HORIZON_DAYS = 60;

const clocks = new Map<string, Intl.DateTimeFormat>();

/** Minutes since local midnight in `zone` (Intl, no tz library on this path). */
function localMinutes(at: Date, zone: string): number {
  let f = clocks.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clocks.set(zone, f);
  }
  let h = 0;
  let m = 0;
  for (const p of f.formatToParts(at)) {
    if (p.type === 'hour') h = Number(p.value);
    else if (p.type === 'minute') m = Number(p.value);
  }
  return h * 60 + m;
}

/**
 * When the campaign should run out of leads: the remaining calls (open leads × calls per lead) at
 * the recent call rate, spent only while the calling window is open (in the campaign's default
 * zone), walking window by window from now. Null when it cannot be told: nothing called recently,
 * or more than HORIZON_DAYS of windows away. `now` itself when no lead is open.
 */
export function estimateCompletion(input: CompletionInput): Date | null {
  if (input.openLeads <= 0) return input.now;
  if (!(input.callsPerMinute > 0)) return null;
  const w = resolveWindow(input.window);
  const end = parseHhmm(w.end ?? DEFAULT_CALLING_WINDOW.end);
  let remainingMs = ((input.openLeads * Math.max(1, input.callsPerLead)) / input.callsPerMinute) * 60_000;
  let t = input.now;
  const horizon = input.now.getTime() + HORIZON_DAYS * 86_400_000;
  while (t.getTime() < horizon) {
    const open = isCallableAt(w, [input.zone], t) ? t : nextCallableAt(w, [input.zone], t, 14);
    if (!open) return null;
    // The window closes at `end` local time on the day it opened (minute precision).
    const availableMs = Math.max(60_000, (end - localMinutes(open, input.zone)) * 60_000 - open.getSeconds() * 1000);
    if (availableMs >= remainingMs) return new Date(open.getTime() + remainingMs);
    remainingMs -= availableMs;
    t = new Date(open.getTime() + availableMs);
  }
  return null;
}
