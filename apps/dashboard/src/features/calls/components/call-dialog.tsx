import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/button';
import { Dialog } from '../../../components/dialog';
import { ErrorMessage, Loading, Notice } from '../../../components/feedback';
import { TextAreaField, TextField } from '../../../components/field';
import { formatDateTime, formatDuration } from '../../../lib/format';
import { usePermission } from '../../auth/use-permission';
import { useCall } from '../api/get-call';
import { useSetDisposition } from '../api/set-disposition';
import type { CallDetail } from '../../../lib/api-types';

function History({ call }: { call: CallDetail }) {
  const steps = [
    ...(call.dialedAt ? [{ status: 'dialed', at: call.dialedAt }] : []),
    ...(call.endedAt ? [{ status: call.status, at: call.endedAt }] : []),
  ];
  if (!steps.length) return <p className="muted">Status: {call.status}</p>;
  return <ol>{steps.map((s, i) => <li key={i}>{s.status.replace(/_/g, ' ')} — {formatDateTime(s.at)}</li>)}</ol>;
}

function DispositionForm({ call }: { call: CallDetail }) {
  const save = useSetDisposition();
  const [disposition, setDisposition] = useState(call.manualDisposition?.disposition ?? '');
  const [qualified, setQualified] = useState<boolean | undefined>(call.leadQualified ?? undefined);
  const [note, setNote] = useState(call.manualDisposition?.note ?? '');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    save.mutate({ callId: call.id, disposition: disposition.trim(), ...(qualified === undefined ? {} : { qualified }), ...(note.trim() ? { note: note.trim() } : {}) });
  };
  return (
    <form onSubmit={submit} aria-label="Disposition">
      <TextField label="Disposition" value={disposition} onChange={(e) => setDisposition(e.target.value)} required maxLength={64}
        pattern="[a-z0-9][a-z0-9_\-]*" hint="Lower-case words such as interested, callback_requested, wrong_person." list="dispositions" />
      <datalist id="dispositions">
        {['interested', 'not_interested', 'callback_requested', 'wrong_person', 'do_not_call'].map((d) => <option key={d} value={d} />)}
      </datalist>
      <label style={{ display: 'flex', gap: '0.5rem', alignItems: 'center', marginBottom: '0.8rem' }}>
        <input type="checkbox" checked={qualified ?? false} onChange={(e) => setQualified(e.target.checked)} style={{ minHeight: 0 }} />
        Lead is qualified
      </label>
      <TextAreaField label="Note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} rows={3} />
      <ErrorMessage error={save.error} />
      {save.isSuccess ? <Notice>Disposition saved.</Notice> : null}
      <Button type="submit" variant="primary" disabled={save.isPending}>Save disposition</Button>
    </form>
  );
}

function CallBody({ callId }: { callId: string }) {
  const call = useCall(callId);
  const canDispose = usePermission('calls:write');
  if (call.isPending) return <Loading label="Loading the call…" />;
  if (call.isError) return <ErrorMessage error={call.error} />;
  const c = call.data;
  return (
    <>
      <dl className="facts">
        <dt>Called</dt><dd>{[c.lead.firstName, c.lead.lastName].filter(Boolean).join(' ') || '—'} · <span className="mono">{c.lead.phoneE164}</span></dd>
        <dt>Outcome</dt><dd>{c.outcome?.replace(/_/g, ' ') ?? '—'} {c.answeredBy ? `(answered by ${c.answeredBy})` : ''}</dd>
        <dt>Attempt</dt><dd>{c.attemptNo}</dd>
        <dt>Duration</dt><dd>{formatDuration(c.durationSeconds)}</dd>
        <dt>Provider</dt><dd>{c.provider}{c.rawStatus ? ` (${c.rawStatus})` : ''}</dd>
        <dt>Recording</dt><dd>{c.recordingUrl ? <a href={c.recordingUrl} target="_blank" rel="noreferrer noopener">Open recording</a> : '—'}</dd>
      </dl>
      <h3>Status history</h3>
      <History call={c} />
      <h3>Analysis</h3>
      {c.analysis ? (
        <>
          {c.analysis.summary ? <p>{c.analysis.summary}</p> : null}
          {c.analysis.successEvaluation !== undefined ? <p>Success evaluation: {String(c.analysis.successEvaluation)}</p> : null}
          {c.analysis.structuredData ? <pre className="pre">{JSON.stringify(c.analysis.structuredData, null, 2)}</pre> : null}
        </>
      ) : <p className="muted">No analysis.</p>}
      <h3>Transcript</h3>
      {c.transcript ? <pre className="pre">{c.transcript}</pre> : <p className="muted">No transcript.</p>}
      {canDispose ? <><h3>Disposition</h3><DispositionForm key={c.id} call={c} /></> : c.manualDisposition ? (
        <p>Disposition: {c.manualDisposition.disposition}{c.manualDisposition.note ? ` — ${c.manualDisposition.note}` : ''}</p>
      ) : null}
    </>
  );
}

export function CallDialog({ callId, onClose }: { callId: string | null; onClose: () => void }) {
  return (
    <Dialog title="Call" open={Boolean(callId)} onClose={onClose}>
      {callId ? <CallBody callId={callId} /> : null}
    </Dialog>
  );
}
