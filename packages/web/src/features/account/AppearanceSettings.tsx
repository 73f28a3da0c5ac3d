import { THEME_CHOICES, setThemeChoice, useThemeChoice } from './theme.js';

/** Settings → Appearance: the theme, System (follow the device), Light or Dark; kept on this device. */
export function AppearanceSettings() {
  const choice = useThemeChoice();
  return (
    <section className="settings-section" aria-labelledby="appearance-title">
      <h3 id="appearance-title">Appearance</h3>
      <fieldset className="choice-group">
        <legend>Theme</legend>
        {THEME_CHOICES.map((option) => (
          <label key={option.value} className="choice">
            <input
              type="radio"
              name="theme"
              value={option.value}
              checked={choice === option.value}
              onChange={() => setThemeChoice(option.value)}
            />
            {option.label}
          </label>
        ))}
      </fieldset>
      <p className="hint">System follows your device’s light or dark setting. The choice is kept on this device.</p>
    </section>
  );
}
