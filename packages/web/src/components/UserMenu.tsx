import { DropdownMenu } from 'radix-ui';
import { Monitor, Moon, Sun } from 'lucide-react';
import { Link } from 'wouter';
import { THEME_CHOICES, type ThemeChoice, setThemeChoice, useThemeChoice } from '../features/account/theme.js';
import { useApp } from '../state/AppContext.js';
import { useSessionController } from '../session/SessionContext.js';
import { PersonName } from './PersonName.js';
import { Tooltip } from './ui/Tooltip.js';

/** Who is signed in, and signing out. Account pages add their links here. */
export function UserMenu() {
  const { me } = useApp();
  const session = useSessionController();
  return (
    <div className="user-menu">
      <PersonName user={me} />
      <Link href="/settings/profile">Profile</Link>
      <Link href="/saved">Saved</Link>
      <Link href="/scheduled">Scheduled</Link>
      <Link href="/settings">Account</Link>
      {me.isAdmin && <Link href="/admin">Administration</Link>}
      <ThemeMenu />
      <button type="button" onClick={() => void session.signOut()}>
        Sign out
      </button>
    </div>
  );
}

const THEME_ICONS: Record<ThemeChoice, typeof Sun> = { system: Monitor, light: Sun, dark: Moon };

/** The theme at hand (Settings → Appearance has the same choice): a button showing the current one, a menu of the three. */
function ThemeMenu() {
  const choice = useThemeChoice();
  const Icon = THEME_ICONS[choice];
  const label = `Theme: ${THEME_CHOICES.find((c) => c.value === choice)?.label ?? 'System'}`;
  return (
    <DropdownMenu.Root modal={false}>
      <Tooltip label={label}>
        <DropdownMenu.Trigger className="icon-button" aria-label={label}>
          <Icon size={18} aria-hidden="true" />
        </DropdownMenu.Trigger>
      </Tooltip>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="ui-menu" align="end" sideOffset={4} collisionPadding={8} aria-label="Theme">
          <DropdownMenu.RadioGroup value={choice} onValueChange={(value) => setThemeChoice(value as ThemeChoice)}>
            {THEME_CHOICES.map((option) => {
              const OptionIcon = THEME_ICONS[option.value];
              return (
                <DropdownMenu.RadioItem key={option.value} value={option.value} className="ui-menu-item">
                  <span className="ui-menu-icon" aria-hidden="true">
                    <OptionIcon size={16} />
                  </span>
                  {option.label}
                </DropdownMenu.RadioItem>
              );
            })}
          </DropdownMenu.RadioGroup>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
