import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import { Router } from 'express';
import { mutate, queryRows, type ApiKeyRole, type DataSource } from '@dialer/db';
import type { CallStatus, Outcome } from '@dialer/domain';
import { AppError, validateInput } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import type { CallDetail } from '../calls/call.dto';
import { callLeadForRole, type ComplianceMode } from '../compliance/compliance';
import { authOf, pathId } from '../http/request-context';
import { Doc } from '../openapi/doc';

export class DispositionDto {
  /** A label of the team's own: `interested`, `callback_requested`, `wrong_person`, … */
  @Doc('A label of the team\'s own: lower-case letters, digits, _ or - (interested, callback_requested, wrong_person, …).', 'callback_requested')
  @IsString() @Length(1, 64) @Matches(/^[a-z0-9][a-z0-9_-]*$/, { message: 'disposition must be lower-case letters, digits, _ or -' })
  disposition: string;

  /** Sets the lead's qualified flag; automatic qualification rules no longer change it afterwards. */
  @Doc('Sets the lead\'s qualified flag; automatic qualification rules no longer change it afterwards.', true)
  @IsOptional() @IsBoolean() qualified?: boolean;

  @Doc('A note (at most 2000 characters).', 'call back after 5 pm')
  @IsOptional() @IsString() @Length(0, 2000) note?: string;
}

interface AttemptView {
  id: string;
  campaign_id: string;
  lead_id: string;
  attempt_no: number;
  provider: string;
  provider_call_id: string | null;
  status: CallStatus;
  outcome: Outcome | null;
  raw_status: string | null;
  answered_by: string | null;
  duration_seconds: number | null;
  analysis: unknown;
  recording_url: string | null;
  transcript: string | null;
  manual_disposition: string | null;
  manual_note: string | null;
  disposed_at: Date | null;
  dialed_at: Date | null;
  ended_at: Date | null;
  qualified: boolean | null;
  phone_e164: string;
  first_name: string | null;
  last_name: string | null;
  compliance_mode: ComplianceMode;
}

function attemptView(a: AttemptView, role: ApiKeyRole): CallDetail {
  return {
    id: a.id, campaignId: a.campaign_id, leadId: a.lead_id,
    lead: callLeadForRole({ phoneE164: a.phone_e164, firstName: a.first_name, lastName: a.last_name }, a.compliance_mode, role),
    attemptNo: a.attempt_no, provider: a.provider,
    providerCallId: a.provider_call_id, status: a.status, outcome: a.outcome, rawStatus: a.raw_status,
    answeredBy: a.answered_by, durationSeconds: a.duration_seconds, analysis: a.analysis ?? null,
    recordingUrl: a.recording_url, transcript: a.transcript, dialedAt: a.dialed_at, endedAt: a.ended_at,
    leadQualified: a.qualified,
    manualDisposition: a.manual_disposition ? { disposition: a.manual_disposition, note: a.manual_note, at: a.disposed_at } : null,
  };
}

const SELECT_ATTEMPT = `
  SELECT a.id, a.campaign_id, a.lead_id, a.attempt_no, a.provider, a.provider_call_id, a.status, a.outcome, a.raw_status,
         a.answered_by, a.duration_seconds, a.analysis, a.recording_url, a.transcript, a.manual_disposition, a.manual_note,
         a.disposed_at, a.dialed_at, a.ended_at, l.qualified, l.phone_e164, l.first_name, l.last_name, c.compliance_mode
    FROM call_attempts a JOIN leads l ON l.id = a.lead_id AND l.tenant_id = a.tenant_id
    JOIN campaigns c ON c.id = a.campaign_id AND c.tenant_id = a.tenant_id
   WHERE a.id = $1 AND a.tenant_id = $2`;

/**
 * GET  /v1/call-attempts/:id              one call: outcome, provider analysis, recording, transcript, manual disposition
 * POST /v1/call-attempts/:id/disposition  a person's disposition of the call: `{disposition, qualified?, note?}`
 */
export function dispositionsRouter(ds: DataSource): Router {
  const r = Router();

  r.get('/call-attempts/:id', async (req, res) => {
    const { tenantId, role } = authOf(res);
    const id = pathId(req.params.id, 'call attempt');
    const rows = await queryRows<AttemptView>(ds, SELECT_ATTEMPT, [id, tenantId]);
    if (!rows[0]) throw AppError.notFound('call attempt', id);
    res.json(attemptView(rows[0], role));
  });

  r.post('/call-attempts/:id/disposition', async (req, res) => {
    const { tenantId, apiKeyId, userId, role } = authOf(res);
    const id = pathId(req.params.id, 'call attempt');
    const dto = validateInput(DispositionDto, req.body, { where: 'request body' });
    const view = await ds.transaction(async (m) => {
      const before = (await queryRows<AttemptView>(m, `${SELECT_ATTEMPT} FOR UPDATE OF a`, [id, tenantId]))[0];
      if (!before) throw AppError.notFound('call attempt', id);
      await mutate(m,
        `UPDATE call_attempts SET manual_disposition = $3, manual_note = $4, disposed_at = now() WHERE id = $1 AND tenant_id = $2`,
        [id, tenantId, dto.disposition, dto.note ?? null]);
      if (dto.qualified !== undefined) {
        await mutate(m, `UPDATE leads SET qualified = $3, updated_at = now() WHERE id = $1 AND tenant_id = $2`,
          [before.lead_id, tenantId, dto.qualified]);
      }
      const after = (await queryRows<AttemptView>(m, SELECT_ATTEMPT, [id, tenantId]))[0] as AttemptView;
      await writeAudit(m, {
        tenantId, apiKeyId, userId, action: 'call_attempt.disposition', entityType: 'call_attempt', entityId: id,
        before: { disposition: before.manual_disposition, qualified: before.qualified },
        after: { disposition: after.manual_disposition, qualified: after.qualified, note: after.manual_note },
      });
      return attemptView(after, role);
    });
    res.json(view);
  });

  return r;
}
