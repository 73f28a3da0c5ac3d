import type { ComponentType } from 'react';
import { ChevronLeft } from 'lucide-react';
import { Link } from 'wouter';
import { useSignedIn } from '../../session/SessionContext.js';
import { NotificationSettings } from '../push/NotificationSettings.js';
import { AppearanceSettings } from './AppearanceSettings.js';
import { AssistSettings } from '../assist/AssistSettings.js';
import { DeleteAccountSettings } from './DeleteAccountSettings.js';
import { EmailSettings } from './EmailSettings.js';
import { ExportSettings } from './ExportSettings.js';
import { PasswordSettings } from './PasswordSettings.js';
import { SessionsSettings } from './SessionsSettings.js';
import { DevicesSettings } from '../encryption/DevicesSettings.js';
import './account.css';

/** The account's sections, each at /settings/<path> (the first is /settings itself). */
const SECTIONS: { path: string; label: string; component: ComponentType }[] = [
  { path: 'email', label: 'Email', component: EmailSettings },
  { path: 'password', label: 'Password', component: PasswordSettings },
  { path: 'sessions', label: 'Sessions', component: SessionsSettings },
  { path: 'encryption', label: 'Encryption', component: DevicesSettings },
  { path: 'notifications', label: 'Notifications', component: NotificationSettings },
  { path: 'appearance', label: 'Appearance', component: AppearanceSettings },
  { path: 'assist', label: 'Assist', component: AssistSettings },
  { path: 'data', label: 'Your data', component: ExportSettings },
  { path: 'delete', label: 'Delete account', component: DeleteAccountSettings },
];

/**
 * My account: one section at a time, chosen from a list of links (deep-linkable, keyboard-reachable).
 * Wide: the list on the left, the section beside it. Phone: /settings is the list alone, and a
 * section fills the screen with a link back to it (account.css, `data-section`).
 */
export function SettingsPage({ params }: { params: Record<string, string | undefined> }) {
  const { me } = useSignedIn();
  const current = SECTIONS.find((s) => s.path === params.section) ?? SECTIONS[0]!;
  const Section = current.component;
  return (
    <section className="page settings" aria-labelledby="settings-title" data-section={params.section ? 'chosen' : 'none'}>
      <h2 id="settings-title">Account</h2>
      <div className="settings-layout">
        <nav aria-label="Account sections" className="settings-nav">
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.path}>
                <Link href={`/settings/${s.path}`} aria-current={s === current ? 'page' : undefined}>
                  {s.label}
                </Link>
              </li>
            ))}
            {me.isAdmin && (
              <li>
                <Link href="/admin">Administration</Link>
              </li>
            )}
          </ul>
        </nav>
        <div className="settings-content">
          <Link href="/settings" className="settings-back">
            <ChevronLeft size={18} aria-hidden="true" />
            All settings
          </Link>
          <Section />
        </div>
      </div>
    </section>
  );
}
