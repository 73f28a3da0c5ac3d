import { Bookmark, CalendarClock, LogOut, Monitor, Moon, Settings, Shield, Sun, UserRound } from 'lucide-react';
import { useLocation } from 'wouter';
import { THEME_CHOICES, type ThemeChoice, setThemeChoice, useThemeChoice } from '../features/account/theme.js';
import { useApp } from '../state/AppContext.js';
import { useSessionController } from '../session/SessionContext.js';
import { Avatar } from './Avatar.js';
import { PersonName } from './PersonName.js';
import { Menu, type MenuEntry } from './ui/Menu.js';
import { IconButton } from './ui/IconButton.js';

const THEME_ICONS: Record<ThemeChoice, typeof Sun> = { system: Monitor, light: Sun, dark: Moon };

/**
 * My menu, on every width: my avatar as the button (as in Slack and Element), opening who is
 * signed in, my pages (profile, saved, scheduled, account, administration for admins), the theme
 * and signing out. Pages of mine belong here rather than as links in the top bar.
 */
export function UserMenu() {
  const { me } = useApp();
  const session = useSessionController();
  const [, navigate] = useLocation();
  const theme = useThemeChoice();
  const go = (id: string, label: string, path: string, Icon: typeof Sun): MenuEntry => ({
    id,
    label,
    icon: <Icon size={16} />,
    onSelect: () => navigate(path),
  });
  const items: MenuEntry[] = [
    go('profile', 'Profile', '/settings/profile', UserRound),
    go('saved', 'Saved', '/saved', Bookmark),
    go('scheduled', 'Scheduled', '/scheduled', CalendarClock),
    go('account', 'Account', '/settings', Settings),
    ...(me.isAdmin ? [go('admin', 'Administration', '/admin', Shield)] : []),
    { id: 'theme-line', separator: true },
    {
      id: 'theme',
      label: 'Theme',
      value: theme,
      options: THEME_CHOICES.map((choice) => {
        const Icon = THEME_ICONS[choice.value];
        return { value: choice.value, label: choice.label, icon: <Icon size={16} /> };
      }),
      onChange: (value) => setThemeChoice(value as ThemeChoice),
    },
    { id: 'sign-out-line', separator: true },
    { id: 'sign-out', label: 'Sign out', icon: <LogOut size={16} />, onSelect: () => void session.signOut() },
  ];
  return (
    <div className="user-menu">
      <Menu
        label="My menu"
        items={items}
        header={
          <>
            <Avatar user={me} />
            <PersonName user={me} />
          </>
        }
        trigger={<IconButton className="user-menu-button" label={`My menu (${me.displayName})`} icon={<Avatar user={me} size="sm" />} />}
      />
    </div>
  );
}
