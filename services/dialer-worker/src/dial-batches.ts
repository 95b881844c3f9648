import type { DataSource } from '@dialer/db';
import { Batcher } from '@dialer/platform';
import {
  beginAttempt, findLeads, markDialedMany, beginAttempts, type AttemptToBegin, type BeginResult, type DialedMark, type DialLead,
  type LeadRef,
} from './dial.repository';

/** Statements per batch; a longer queue is split. */
const MAX_BATCH = 200;

/**
 * The three Postgres statements every dial runs, batched across this replica's concurrent dials
 * (see Batcher: no timer, one batch in flight each). A busy dialer reads, commits and fires the
 * lead-count trigger once per batch instead of once per dial; an idle one waits for nothing.
 */
export interface DialBatches {
  /** findLeads for one lead. */
  findLead(ref: LeadRef): Promise<DialLead | null>;
  /** beginAttempt without a per-number cap; the same result for each caller. */
  beginAttempt(item: AttemptToBegin): Promise<BeginResult>;
  /** The provider took the call: its id on the attempt. */
  markDialed(mark: DialedMark): Promise<void>;
}

export function createDialBatches(ds: DataSource): DialBatches {
  const reads = new Batcher<LeadRef, DialLead | null>((refs) => findLeads(ds, refs), { maxBatch: MAX_BATCH });
  // A batch that fails as a whole (an attempt row already there, a deadlock, a lost connection) is
  // written again one attempt at a time: one bad row never fails its neighbours.
  const writes = new Batcher<AttemptToBegin, BeginResult>((items) => beginAttempts(ds, items), {
    maxBatch: MAX_BATCH,
    key: (i) => i.ref.leadId,
    single: (i) => beginAttempt(ds, i.ref, i.provider, { phoneE164: '', cap: null, now: i.now }, i.consentId ?? null),
  });
  const marks = new Batcher<DialedMark, void>(async (items) => {
    await markDialedMany(ds, items);
    return items.map(() => undefined);
  }, { maxBatch: MAX_BATCH * 2 });
  return {
    findLead: (ref) => reads.submit(ref),
    beginAttempt: (item) => writes.submit(item),
    markDialed: (mark) => marks.submit(mark),
  };
}
