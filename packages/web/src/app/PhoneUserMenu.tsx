import { CircleUser } from 'lucide-react';
import { useLocation } from 'wouter';
import { Menu, type MenuItem } from '../components/ui/Menu.js';
import { useApp } from '../state/AppContext.js';
import { useSessionController } from '../session/SessionContext.js';

/**
 * My menu on a phone: the top bar's links (profile, account, administration, sign out) in one
 * Menu, so the bar fits 390 px (the desktop UserMenu's row of links clipped "Sign out").
 */
export function PhoneUserMenu() {
  const { me } = useApp();
  const session = useSessionController();
  const [, navigate] = useLocation();
  const items: MenuItem[] = [
    { id: 'profile', label: 'Profile', onSelect: () => navigate('/settings/profile') },
    { id: 'scheduled', label: 'Scheduled', onSelect: () => navigate('/scheduled') },
    { id: 'account', label: 'Account', onSelect: () => navigate('/settings') },
    ...(me.isAdmin ? [{ id: 'admin', label: 'Administration', onSelect: () => navigate('/admin') }] : []),
    { id: 'sign-out', label: 'Sign out', onSelect: () => void session.signOut() },
  ];
  return (
    <span className="phone-user-menu">
      <Menu
        label="My menu"
        items={items}
        trigger={
          <button type="button" className="icon-button" aria-label={`My menu (${me.displayName})`}>
            <CircleUser size={20} aria-hidden="true" />
          </button>
        }
      />
    </span>
  );
}
