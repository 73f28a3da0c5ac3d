import { useEffect, useState } from 'react';
import type { AdminHeldItem, AdminReport, ReportDecision } from '@confab/protocol';
import { Lock } from 'lucide-react';
import { describeError } from '../../components/errors.js';
import { useSignedIn } from '../../session/SessionContext.js';
import '../assist/assist.css';

const REASON: Record<AdminReport['reason'], string> = { spam: 'Spam', abuse: 'Abuse', other: 'Other' };

/**
 * The admins' review queue (issue 40; /admin/review): open reports of messages, each resolved as
 * spam, not spam or dismissed (spam and not spam teach the instance's spam model), and messages
 * the model held, each released to its conversation or deleted.
 */
export function ReviewQueue() {
  const { client } = useSignedIn();
  const [reports, setReports] = useState<AdminReport[] | null>(null);
  const [held, setHeld] = useState<AdminHeldItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');

  // Read again after each decision.
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    Promise.all([client.admin.reports(), client.admin.held()]).then(
      ([r, h]) => {
        if (!live) return;
        setReports(r.items);
        setHeld(h.items);
      },
      (e: unknown) => live && setError(describeError(e)),
    );
    return () => {
      live = false;
    };
  }, [client, version]);

  const act = async (what: () => Promise<unknown>, done: string) => {
    setError(null);
    try {
      await what();
      setStatus(done);
      setVersion((v) => v + 1);
    } catch (e) {
      setError(describeError(e));
    }
  };
  const resolve = (report: AdminReport, decision: ReportDecision) =>
    act(
      () => client.admin.resolveReport(report.id, decision),
      decision === 'dismiss' ? 'Report dismissed' : `Marked as ${decision === 'spam' ? 'spam' : 'not spam'}`,
    );

  return (
    <div className="review-queue">
      <p role="status" className="visually-hidden">
        {status}
      </p>
      {error && <p role="alert">{error}</p>}
      <section aria-labelledby="reports-title">
        <h3 id="reports-title">Reported messages</h3>
        {reports === null ? (
          <p>Loading…</p>
        ) : reports.length === 0 ? (
          <p>No open reports.</p>
        ) : (
          <ul>
            {reports.map((r) => (
              <li key={r.id} className="review-item" aria-label={`Report: ${REASON[r.reason]}`}>
                <span>
                  {REASON[r.reason]}
                  {r.note ? ` — “${r.note}”` : ''}
                </span>
                <ReportedText report={r} />
                <div className="review-actions">
                  <button type="button" onClick={() => void resolve(r, 'spam')}>
                    Spam
                  </button>
                  <button type="button" onClick={() => void resolve(r, 'not_spam')}>
                    Not spam
                  </button>
                  <button type="button" onClick={() => void resolve(r, 'dismiss')}>
                    Dismiss
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="held-title">
        <h3 id="held-title">Held messages</h3>
        {held === null ? (
          <p>Loading…</p>
        ) : held.length === 0 ? (
          <p>No messages held.</p>
        ) : (
          <ul>
            {held.map((h) => (
              <li key={h.message.id} className="review-item" aria-label="Held message">
                <span>Spam score {h.score.toFixed(3)}</span>
                <blockquote>{h.message.body}</blockquote>
                <div className="review-actions">
                  <button type="button" onClick={() => void act(() => client.admin.releaseHeld(h.message.id), 'Message released')}>
                    Release
                  </button>
                  <button type="button" onClick={() => void act(() => client.admin.deleteHeld(h.message.id), 'Message deleted')}>
                    Delete
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

/**
 * What the reported message says: its text, or for an end-to-end encrypted one (the server holds
 * only ciphertext) the text the reporter's device decrypted and shared, marked as such.
 */
function ReportedText({ report }: { report: AdminReport }) {
  if (!report.message)
    return (
      <blockquote>
        <em>Message deleted</em>
      </blockquote>
    );
  if (report.message.kind !== 'encrypted') return <blockquote>{report.message.body}</blockquote>;
  if (report.sharedText === null)
    return (
      <p className="hint">
        <Lock size={12} aria-hidden="true" /> End-to-end encrypted: the reporter did not share its text.
      </p>
    );
  return (
    <>
      <p className="hint">
        <Lock size={12} aria-hidden="true" /> End-to-end encrypted. As the reporter's device read it (the server cannot check it):
      </p>
      <blockquote>{report.sharedText}</blockquote>
    </>
  );
}
