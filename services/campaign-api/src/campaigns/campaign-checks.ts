import { findProviderConnection, type DataSource, type EntityManager } from '@dialer/db';
import type { CampaignStatus } from '@dialer/domain';
import { AppError } from '@dialer/platform';
import { checkCampaignOverrides, type CampaignOverrides, type OverriddenConnection, type OverrideProblem } from '@dialer/providers';

/** Statuses in which a campaign can no longer change (its leads, settings). */
export const FINISHED_STATUSES: readonly CampaignStatus[] = ['completed', 'stopped', 'cancelled'];

/** A deep copy without class prototypes (validated DTOs → jsonb columns). */
export function plain<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Trimmed text; null for absent, null or blank. */
export function orNull(v: string | null | undefined): string | null {
  const t = v?.trim();
  return t ? t : null;
}

/** 400 unless the tenant has a provider connection with this id; answers it. */
export async function assertProviderConnection(m: EntityManager | DataSource, tenantId: string, id: string): Promise<OverriddenConnection> {
  const conn = await findProviderConnection(m, id, { tenantId });
  if (conn) return conn;
  throw new AppError('validation_failed', 'request body is invalid: providerConnectionId names no provider connection', {
    status: 400, details: [{ field: 'providerConnectionId', reason: 'no provider connection with this id' }],
  });
}

/**
 * 400 unless the campaign's agent and caller id overrides fit its provider connection's type (a Vapi
 * agent is an assistant id, a Twilio one a TwiML URL or App sid, …); an override needs a connection
 * to be checked against (null: the campaign has none).
 */
export function assertOverridesFit(conn: OverriddenConnection | null, o: CampaignOverrides): void {
  let problems: OverrideProblem[];
  if (conn === null) {
    problems = ([['agentOverride', o.agent], ['callerIdOverride', o.callerId]] as const)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([field]) => ({ field, reason: 'needs a providerConnectionId to be checked against' }));
  } else {
    problems = checkCampaignOverrides(conn, o);
  }
  if (problems.length) {
    throw new AppError('validation_failed', `request body is invalid: ${problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}`, {
      status: 400, details: problems,
    });
  }
}

/** 400 when the scheduled end is not after the scheduled start. */
export function assertScheduleOrder(start: Date | null | undefined, end: Date | null | undefined): void {
  if (start && end && end.getTime() <= start.getTime()) {
    throw new AppError('validation_failed', 'request body is invalid: scheduledEndAt must be after scheduledStartAt', {
      status: 400, details: [{ field: 'scheduledEndAt', reason: 'must be after scheduledStartAt' }],
    });
  }
}

/** The ETag of a campaign: its optimistic version. */
export function campaignEtag(c: { version: number }): string {
  return `"${c.version}"`;
}

/**
 * An If-Match header against the campaign's current version: absent or `*` passes; otherwise 412
 * unless it names `current`'s version.
 */
export function checkIfMatch(ifMatch: string | undefined, current: { version: number }): void {
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const versions = ifMatch.split(',').map((t) => /^\s*(?:W\/)?"(\d+)"\s*$/.exec(t)?.[1]).filter((v): v is string => v !== undefined);
  if (!versions.includes(String(current.version))) {
    throw new AppError('precondition_failed', 'the campaign changed since it was read (If-Match does not match its ETag); read it again',
      { status: 412, details: { etag: campaignEtag(current), version: current.version } });
  }
}
