import { randomUUID } from 'node:crypto';
import type { DataSource } from '@dialer/db';
import { encryptSecret } from '@dialer/platform';
import { ConcurrencyLease, leaseMember, type Redis } from '@dialer/queue';

export const AUTH_TOKEN = 'test-auth-token-0123456789';
export const ACCOUNT_SID = 'AC00000000000000000000000000000001';

export interface Seeded {
  tenantId: string;
  connectionId: string;
  campaignId: string;
  leadId: string;
  attemptId: string;
  callSid: string;
}

let phoneSeq = 0;

/**
 * A running campaign with one lead being dialled (attempts = 1) and, unless `withAttempt` is false,
 * its call attempt row with a provider call id and a held concurrency lease.
 */
export async function seedDialingLead(
  ds: DataSource, redis: Redis, prefix: string, secretsKey: string,
  opts: { maxAttempts?: number; withAttempt?: boolean } = {},
): Promise<Seeded> {
  const [tenant] = await ds.query(`INSERT INTO tenants (name) VALUES ('acme') RETURNING id`);
  const sealed = encryptSecret(JSON.stringify({ authToken: AUTH_TOKEN }), secretsKey);
  const [conn] = await ds.query(
    `INSERT INTO provider_connections (tenant_id, name, type, base_url, config, secrets_sealed)
     VALUES ($1, 'twilio', 'twilio', 'http://127.0.0.1:1', $2::jsonb, $3) RETURNING id`,
    [tenant.id, JSON.stringify({ accountSid: ACCOUNT_SID, fromNumber: '+15005550006' }), sealed]);
  const [campaign] = await ds.query(
    `INSERT INTO campaigns (tenant_id, name, status, provider_connection_id, max_attempts, started_at)
     VALUES ($1, 'spring', 'running', $2, $3, now()) RETURNING id`,
    [tenant.id, conn.id, opts.maxAttempts ?? 3]);
  phoneSeq += 1;
  const [lead] = await ds.query(
    `INSERT INTO leads (tenant_id, campaign_id, phone_e164, timezones, status, attempts, last_attempt_at)
     VALUES ($1, $2, $3, '{America/New_York}', 'dialing', 1, now()) RETURNING id`,
    [tenant.id, campaign.id, `+1202555${String(1000 + phoneSeq).slice(-4)}`]);
  const attemptId = randomUUID();
  const callSid = `CA${randomUUID().replace(/-/g, '')}`;
  if (opts.withAttempt !== false) await insertAttempt(ds, { tenantId: tenant.id, campaignId: campaign.id, leadId: lead.id, connectionId: conn.id, attemptId, callSid });
  await new ConcurrencyLease(redis, prefix).acquire(campaign.id, leaseMember(lead.id, 1), 5, 600_000);
  return { tenantId: tenant.id, connectionId: conn.id, campaignId: campaign.id, leadId: lead.id, attemptId, callSid };
}

export async function insertAttempt(
  ds: DataSource,
  s: { tenantId: string; campaignId: string; leadId: string; connectionId: string; attemptId: string; callSid: string },
): Promise<void> {
  await ds.query(
    `INSERT INTO call_attempts (id, tenant_id, campaign_id, lead_id, attempt_no, provider, provider_connection_id, provider_call_id, status, dialed_at)
     VALUES ($1, $2, $3, $4, 1, 'twilio', $5, $6, 'queued', now())`,
    [s.attemptId, s.tenantId, s.campaignId, s.leadId, s.connectionId, s.callSid]);
}
