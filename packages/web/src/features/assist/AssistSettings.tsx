import type { AssistSettings as Switches } from '@confab/protocol';
import { useAction } from '../../components/useAction.js';
import { useApp } from '../../state/AppContext.js';
import { assistChanged, useAssist } from './assist-state.js';

const SWITCHES: { key: keyof Switches; label: string; hint: string }[] = [
  { key: 'enabled', label: 'Assist', hint: 'Everything below, at once.' },
  { key: 'needsReply', label: 'Needs reply', hint: 'Questions, requests, mentions and replies waiting for your answer.' },
  { key: 'catchUp', label: 'Catch up', hint: 'A summary quoted from the messages you missed, in a busy conversation.' },
  { key: 'replySuggestions', label: 'Reply suggestions', hint: 'Not available yet: kept for when it is.' },
];

/** Settings → Assist: my four switches (issue 40). Everything is computed on this server; nothing is sent anywhere. */
export function AssistSettings() {
  const { client } = useApp();
  const assist = useAssist(client);
  const save = useAction(async (key: keyof Switches, value: boolean) => {
    await client.assist.updateSettings({ assist: { [key]: value } });
    assistChanged(client);
  });
  return (
    <section className="settings-section" aria-labelledby="assist-title">
      <h3 id="assist-title">Assist</h3>
      {assist === null ? (
        <p role="status">Loading…</p>
      ) : !assist.instance ? (
        <p className="hint">This server has Assist turned off.</p>
      ) : (
        <fieldset className="choice-group" disabled={save.busy}>
          <legend>Features</legend>
          {SWITCHES.map((s) => (
            <label key={s.key} className="choice assist-switch">
              <input
                type="checkbox"
                checked={assist.mine[s.key]}
                disabled={s.key !== 'enabled' && !assist.mine.enabled}
                onChange={(e) => void save.run(s.key, e.target.checked)}
              />
              <span>
                {s.label}
                <span className="hint"> — {s.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {save.error && <p role="alert">{save.error}</p>}
      <p className="hint">
        Assist runs on this server, from this server’s messages only: no model is downloaded and nothing is sent elsewhere.
      </p>
    </section>
  );
}
