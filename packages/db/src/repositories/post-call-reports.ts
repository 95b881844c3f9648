import { POST_CALL_REPORT_EVENT_SUFFIX } from '@dialer/domain';

/**
 * How long a campaign waits, after a call ended, for that call's post-call report (Vapi's
 * end-of-call-report, which may ask for a callback), and "now" on the dialer's clock.
 */
export interface ReportWait {
  graceMs: number;
  now: Date;
}

const PROVIDERS = Object.keys(POST_CALL_REPORT_EVENT_SUFFIX);
const SUFFIXES = Object.values(POST_CALL_REPORT_EVENT_SUFFIX);

/** The four parameters awaitsPostCallReport's placeholders stand for, in its order. */
export function reportWaitParams(wait: ReportWait): unknown[] {
  return [PROVIDERS, SUFFIXES, wait.now, wait.graceMs];
}

/**
 * SQL condition on the call_attempts row `a`: its post-call report is still awaited. Its provider
 * sends one (POST_CALL_REPORT_EVENT_SUFFIX), the call was placed, the report is not applied yet
 * (a callback it asks for is taken before its applied_at is set) and the call ended within the
 * grace. The grace is counted on the dialer's clock and on the database's: ended_at is the
 * provider's own timestamp (real time) while the dialer's clock may be shifted
 * (DIALER_CLOCK_OFFSET_MS, tests and demos). The report is found by its unique (provider, event_key).
 * `p` is the number of the first of reportWaitParams' four placeholders.
 */
export function awaitsPostCallReport(p: number): string {
  const [providers, suffixes, now, grace] = [p, p + 1, p + 2, p + 3].map((n) => `$${n}`);
  const since = (at: string) => `(a.ended_at > ${at} - make_interval(secs => ${grace}::double precision / 1000) AND a.ended_at <= ${at})`;
  // Created within a day before the grace began: bounds the read by call_attempts_campaign (no call lasts a day).
  return `a.provider_call_id IS NOT NULL
    AND a.created_at > LEAST(now(), ${now}::timestamptz) - interval '1 day' - make_interval(secs => ${grace}::double precision / 1000)
    AND EXISTS (SELECT 1 FROM unnest(${providers}::text[], ${suffixes}::text[]) AS r(provider, suffix)
                 WHERE r.provider = a.provider
                   AND NOT EXISTS (SELECT 1 FROM webhook_events w
                                    WHERE w.provider = a.provider AND w.event_key = a.provider_call_id || r.suffix AND w.applied_at IS NOT NULL))
    AND (${since(`${now}::timestamptz`)} OR ${since('now()')})`;
}
