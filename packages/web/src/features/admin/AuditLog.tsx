import type { AuditEntry } from '@confab/protocol';
import { useCallback } from 'react';
import { PersonName } from '../../components/PersonName.js';
import { useSignedIn } from '../../session/SessionContext.js';
import { ScrollingTable } from './ScrollingTable.js';
import { usePaged } from './paged.js';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** The audit log, newest first: admin actions and security events, a page at a time. */
export function AuditLog() {
  const { client } = useSignedIn();
  const load = useCallback((cursor: string | undefined) => client.admin.audit({ limit: 50, ...(cursor ? { cursor } : {}) }), [client]);
  const entries = usePaged<AuditEntry>(load);
  return (
    <section className="settings-section" aria-labelledby="audit-title">
      <h3 id="audit-title">Audit log</h3>
      {entries.error && (
        <p role="alert" className="error">
          {entries.error}
        </p>
      )}
      {entries.items && entries.items.length === 0 && <p role="status">Nothing logged yet.</p>}
      {entries.items && entries.items.length > 0 && (
        <ScrollingTable label="Audit log">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Account</th>
              <th scope="col">By</th>
              <th scope="col">Address</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.items.map((entry) => (
              <tr key={entry.id}>
                <td>{when.format(new Date(entry.at))}</td>
                <th scope="row">
                  <code>{entry.type}</code>
                </th>
                <td>{entry.userId ? <PersonName userId={entry.userId} /> : '—'}</td>
                <td>{entry.actorId ? <PersonName userId={entry.actorId} /> : '—'}</td>
                <td>{entry.ip ?? '—'}</td>
                <td>
                  <code className="details">{Object.keys(entry.details).length ? JSON.stringify(entry.details) : ''}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollingTable>
      )}
      {entries.hasMore && (
        <button type="button" disabled={entries.busy} onClick={() => void entries.more()}>
          {entries.busy ? 'Loading…' : 'Show older entries'}
        </button>
      )}
    </section>
  );
}
