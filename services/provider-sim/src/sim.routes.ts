import express, { Router } from 'express';
import type { CallSimulator, SimCall } from './call-simulator';

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

/** One call as GET /sim/calls shows it. */
export function callView(call: SimCall): Record<string, unknown> {
  return {
    sid: call.sid,
    flavor: call.flavor ?? 'twilio',
    accountSid: call.accountSid,
    to: call.to,
    from: call.from,
    statusCallback: call.statusCallback,
    agent: call.agent ?? null,
    personalization: call.personalization ?? null,
    structuredData: call.structuredData ?? null,
    timeoutSeconds: call.timeoutSeconds,
    status: call.status,
    outcome: call.outcome,
    createdAt: iso(call.createdAt),
    answeredAt: iso(call.answeredAt),
    finishedAt: iso(call.finishedAt),
    endedAt: iso(call.endedAt),
    finalStatus: call.finalStatus,
    answeredBy: call.answeredBy,
    durationSeconds: call.durationSeconds,
    lookups: call.lookups,
    callbacks: call.callbacks.map((cb) => ({
      status: cb.status,
      sequenceNumber: cb.sequenceNumber,
      sentAt: iso(cb.sentAt),
      httpStatus: cb.httpStatus,
      attempts: cb.attempts,
      duplicates: cb.duplicates,
      dropped: cb.dropped,
      reordered: cb.reordered,
    })),
  };
}

/** The sim's own control API (JSON), mounted at /sim. */
export function simRoutes(simulator: CallSimulator): Router {
  const router = Router();
  router.use(express.json({ limit: '100kb' }));

  router.get('/calls', (_req, res) => {
    res.json(simulator.list().map(callView));
  });

  router.get('/calls/summary', (_req, res) => {
    res.json(simulator.summary());
  });

  router.delete('/calls', (_req, res) => {
    simulator.reset();
    res.status(204).end();
  });

  /** Vapi: the next call to `to` reports `structuredData` in its end-of-call analysis (once). */
  router.post('/analysis', (req, res) => {
    const b = (req.body ?? {}) as { to?: unknown; structuredData?: unknown };
    if (typeof b.to !== 'string' || !b.structuredData || typeof b.structuredData !== 'object' || Array.isArray(b.structuredData)) {
      res.status(400).json({ error: 'send {"to": "+E164", "structuredData": {...}}' });
      return;
    }
    simulator.setNextAnalysis(b.to, b.structuredData as Record<string, unknown>);
    res.status(204).end();
  });

  router.get('/config', (_req, res) => {
    res.json(simulator.settings);
  });

  router.put('/config', (req, res) => {
    res.json(simulator.configure(req.body));
  });

  return router;
}
