import { Link } from 'wouter';
import { useSignedIn } from '../../session/SessionContext.js';
import { AuditLog } from './AuditLog.js';
import { InstanceStatsPanel } from './InstanceStatsPanel.js';
import { UserAdmin } from './UserAdmin.js';
import { ImportPanel } from './ImportPanel.js';
import { ReviewQueue } from './ReviewQueue.js';
import '../account/account.css';

const SECTIONS = [
  { path: 'users', label: 'Users' },
  { path: 'audit', label: 'Audit log' },
  { path: 'import', label: 'Import' },
  { path: 'review', label: 'Review queue' },
] as const;

/**
 * The instance admins' area (/admin, /admin/audit): the users, the audit log, the instance's
 * figures. Hidden from everyone else (no link, and this page says so); the server refuses their
 * calls anyway.
 */
export function AdminPage({ params }: { params: Record<string, string | undefined> }) {
  const { me } = useSignedIn();
  if (!me.isAdmin) {
    return (
      <section className="page empty-state" aria-labelledby="admin-title">
        <h2 id="admin-title">Administration</h2>
        <p>Only the instance’s administrators can open this page.</p>
      </section>
    );
  }
  const current = SECTIONS.find((s) => s.path === params.section) ?? SECTIONS[0];
  return (
    <section className="page settings" aria-labelledby="admin-title">
      <h2 id="admin-title">Administration</h2>
      <div className="settings-layout">
        <nav aria-label="Administration sections" className="settings-nav">
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.path}>
                <Link href={`/admin/${s.path}`} aria-current={s === current ? 'page' : undefined}>
                  {s.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="settings-content">
          {current.path === 'users' ? (
            <>
              <InstanceStatsPanel />
              <UserAdmin />
            </>
          ) : current.path === 'import' ? (
            <ImportPanel />
          ) : current.path === 'review' ? (
            <ReviewQueue />
          ) : (
            <AuditLog />
          )}
        </div>
      </div>
    </section>
  );
}
