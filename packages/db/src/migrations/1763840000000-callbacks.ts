import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheduled callbacks (issue 16): a requested time for a lead's next call. A table of their own
 * rather than columns on leads, because a callback has a life the lead's row does not keep: who
 * asked (source, the call it came from), the time asked for and the time it got (moved into the
 * callee's window, and why), and how it ended (dialled, cancelled, replaced by a newer request).
 * The lead's `next_attempt_at` carries the due time, so the feeder takes a callback like any due
 * lead; nothing here is on the feeder's path. A cancel restores what the callback replaced (the
 * lead's retry time, or a done lead's end). No personal data: ids and times only.
 *
 * At most one pending callback per lead; a campaign's upcoming callbacks are read by due time.
 */
export class Callbacks1763840000000 implements MigrationInterface {
  name = 'Callbacks1763840000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE callbacks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        lead_id uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
        source text NOT NULL CHECK (source IN ('api','disposition','analysis')),
        call_attempt_id uuid,
        requested_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        moved text CHECK (moved IN ('outside_window','in_the_past')),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','dialled','cancelled','replaced')),
        attempt_no int,
        -- What the callback replaced on the lead, restored when it is cancelled.
        prior_status text NOT NULL CHECK (prior_status IN ('pending','done')),
        prior_next_attempt_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz
      );
      CREATE UNIQUE INDEX callbacks_lead_pending ON callbacks (lead_id) WHERE status = 'pending';
      CREATE INDEX callbacks_campaign_due ON callbacks (campaign_id, due_at) WHERE status = 'pending';
      -- A call's own request (the AI analysis of a report delivered twice asks once).
      CREATE INDEX callbacks_call_attempt ON callbacks (call_attempt_id) WHERE call_attempt_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS callbacks`);
  }
}
