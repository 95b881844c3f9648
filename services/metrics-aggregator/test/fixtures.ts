import type { DataSource } from '@dialer/db';

export interface SeededCampaign {
  tenantId: string;
  campaignId: string;
}

let phoneSeq = 0;

/** A tenant with one running campaign and its (empty) stats row. */
/**
 * A tenant, its campaign and the campaign's stats row. `status` 'draft' lets a test add leads before
 * `startCampaign`: a running campaign with no open lead is rightly completed by a running sweep.
 */
export async function seedCampaign(ds: DataSource, status: 'running' | 'draft' = 'running'): Promise<SeededCampaign> {
  const [tenant] = await ds.query(`INSERT INTO tenants (name) VALUES ('acme') RETURNING id`);
  const [campaign] = await ds.query(
    `INSERT INTO campaigns (tenant_id, name, status, started_at) VALUES ($1, 'spring', $2, CASE WHEN $2 = 'running' THEN now() END) RETURNING id`,
    [tenant.id, status]);
  await ds.query(`INSERT INTO campaign_stats (campaign_id, tenant_id) VALUES ($1, $2)`, [campaign.id, tenant.id]);
  return { tenantId: tenant.id, campaignId: campaign.id };
}

/** Starts a campaign seeded as a draft, once its leads (or import) are in place. */
export async function startCampaign(ds: DataSource, c: SeededCampaign): Promise<void> {
  await ds.query(`UPDATE campaigns SET status = 'running', started_at = now() WHERE id = $1`, [c.campaignId]);
}

export async function addLead(
  ds: DataSource, c: SeededCampaign, lead: { status: 'pending' | 'queued' | 'dialing' | 'done'; disposition?: string | null; attempts?: number },
): Promise<string> {
  phoneSeq += 1;
  const [row] = await ds.query(
    `INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, disposition, attempts)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [c.tenantId, c.campaignId, `+1202555${String(1000 + phoneSeq).slice(-4)}`, lead.status, lead.disposition ?? null, lead.attempts ?? 0]);
  return row.id;
}

/** An attempt as applyCallUpdate leaves it when the call ended (not yet counted). */
export async function addEndedAttempt(
  ds: DataSource, c: SeededCampaign, leadId: string,
  a: { status: string; outcome: string; durationSeconds?: number; leadFinal: boolean; endedSecondsAgo?: number; attemptNo?: number },
): Promise<string> {
  const [row] = await ds.query(
    `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, status, outcome, raw_status,
        duration_seconds, lead_final, dialed_at, ended_at)
     VALUES ($1, $2, $3, $4, 'twilio', $5, $6, $5, $7, $8, now() - interval '2 minutes',
        now() - make_interval(secs => $9::double precision))
     RETURNING id`,
    [c.tenantId, c.campaignId, leadId, a.attemptNo ?? 1, a.status, a.outcome, a.durationSeconds ?? null, a.leadFinal, a.endedSecondsAgo ?? 0]);
  return row.id;
}

export interface StatsRow {
  calls_ended: string;
  connected: string;
  busy: string;
  voicemail: string;
  talk_seconds: string;
}

export async function stats(ds: DataSource, campaignId: string): Promise<StatsRow> {
  const [row] = await ds.query(`SELECT * FROM campaign_stats WHERE campaign_id = $1`, [campaignId]);
  return row;
}

export async function campaign(ds: DataSource, campaignId: string): Promise<{ status: string; completed_at: Date | null; version: number }> {
  const [row] = await ds.query(`SELECT status, completed_at, version FROM campaigns WHERE id = $1`, [campaignId]);
  return row;
}
