import { mutate, queryRows, recordOutboundEvents, type DataSource, type EntityManager } from '@dialer/db';
import { leadQualifiedEvent, type Outcome } from '@dialer/domain';
import { evaluateQualification, parseQualificationRule, type CallAnalysis, type NormalizedCallEvent } from '@dialer/providers';

/**
 * Stores what an event says beyond the status (analysis, recording, transcript) on the attempt, and
 * applies the campaign's qualification rule (`settings.qualification`) to the lead. Runs after
 * endAttempt, in its own statements; idempotent. A lead a person has dispositioned by hand
 * (an attempt with disposed_at) keeps the flag that person gave.
 */
export async function recordCallData(ds: DataSource, tenantId: string, attemptId: string, e: NormalizedCallEvent): Promise<void> {
  const hasData = !!(e.analysis || e.recordingUrl || e.transcript);
  const terminal = e.outcome !== null;
  if (!hasData && !terminal) return;
  const rows = await queryRows<{ lead_id: string; campaign_id: string; outcome: Outcome | null; analysis: CallAnalysis | null; rule: unknown }>(ds,
    `WITH a AS (
       UPDATE call_attempts SET analysis = COALESCE($3::jsonb, analysis),
              recording_url = COALESCE($4, recording_url), transcript = COALESCE($5, transcript)
        WHERE id = $1 AND tenant_id = $2
        RETURNING lead_id, campaign_id, outcome, analysis)
     SELECT a.lead_id, a.campaign_id, a.outcome, a.analysis, c.settings -> 'qualification' AS rule
       FROM a JOIN campaigns c ON c.id = a.campaign_id AND c.tenant_id = $2`,
    [attemptId, tenantId, e.analysis ? JSON.stringify(e.analysis) : null, e.recordingUrl ?? null, e.transcript ?? null]);
  const row = rows[0];
  if (!row || row.rule === null || row.rule === undefined) return;
  const parsed = parseQualificationRule(row.rule);
  if ('problem' in parsed) return;
  const qualified = evaluateQualification(parsed.rule, { analysis: row.analysis, outcome: row.outcome ?? e.outcome });
  if (qualified === null) return;
  const set = (db: DataSource | EntityManager) => mutate(db,
    `UPDATE leads SET qualified = $3, updated_at = now()
      WHERE id = $1 AND tenant_id = $2 AND qualified IS DISTINCT FROM $3
        AND NOT EXISTS (SELECT 1 FROM call_attempts WHERE lead_id = $1 AND disposed_at IS NOT NULL)`,
    [row.lead_id, tenantId, qualified]);
  if (!qualified) {
    await set(ds);
    return;
  }
  // A lead becoming qualified is announced (lead.qualified) in the transaction that marks it.
  await ds.transaction(async (m) => {
    const { count } = await set(m);
    if (count > 0) {
      await recordOutboundEvents(m, [leadQualifiedEvent({ tenantId, campaignId: row.campaign_id, leadId: row.lead_id, callAttemptId: attemptId, by: 'rule' })]);
    }
  });
}
