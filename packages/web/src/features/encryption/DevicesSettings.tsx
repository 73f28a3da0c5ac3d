import type { MyDevice } from '@confab/client';
import { useCallback, useEffect, useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { describeError } from '../../components/errors.js';
import { useAction } from '../../components/useAction.js';
import { useSignedIn } from '../../session/SessionContext.js';
import { FormOutcome } from '../account/Notice.js';
import { browserDevice } from './browser-device.js';
import { DeviceLinks } from './DeviceLinks.js';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * My encryption devices (issue 39, decision 0027 part 6): each reads my encrypted conversations.
 * Revoking one (after a question) drops it from my signed device list and commits it out of the
 * encrypted conversations this browser is in: it reads nothing sent after. Signing a device out
 * (Sessions) is another thing: a revoked device may still be signed in, and a signed-out one keeps its keys.
 */
export function DevicesSettings() {
  const { client } = useSignedIn();
  const [devices, setDevices] = useState<MyDevice[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<MyDevice | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    // This browser's own device is registered first, so the list can say which one it is.
    browserDevice(client)
      .catch(() => false)
      .then(() => client.devices())
      .then(
        (list) => live && setDevices(list),
        (error: unknown) => live && setLoadError(describeError(error)),
      );
    return () => {
      live = false;
    };
  }, [client, version]);

  const revoke = useAction(
    useCallback(
      async (device: MyDevice) => {
        await client.revokeDevice(device.id);
        setConfirming(null);
        setDone(`Revoked ${device.name}.`);
        setVersion((v) => v + 1);
      },
      [client],
    ),
  );

  return (
    <section className="settings-section" aria-labelledby="devices-title">
      <h3 id="devices-title">Encryption devices</h3>
      <p className="hint">The devices that can read your end-to-end encrypted conversations.</p>
      {loadError && (
        <p role="alert" className="error">
          {loadError}
        </p>
      )}
      {devices === null && !loadError && <p>Loading…</p>}
      {devices?.length === 0 && <p>No device of yours has encryption turned on.</p>}
      {devices && devices.length > 0 && (
        <ul className="session-list" aria-label="Encryption devices">
          {devices.map((d) => (
            <li key={d.id} className="session-item" aria-current={d.current ? 'true' : undefined}>
              <div>
                <strong>{d.name}</strong>
                {d.current && <span className="tag ok">This device</span>}
              </div>
              <small>
                added {when.format(new Date(d.createdAt))} · last seen {when.format(new Date(d.lastSeenAt))}
              </small>
              {!d.current && (
                <button type="button" disabled={revoke.busy} onClick={() => setConfirming(d)}>
                  Revoke {d.name}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <FormOutcome error={revoke.error} done={done} />
      <DeviceLinks onLinked={() => setVersion((v) => v + 1)} />
      {confirming && (
        <ConfirmDialog
          title={`Revoke ${confirming.name}?`}
          confirmLabel="Revoke"
          busy={revoke.busy}
          error={revoke.error}
          onConfirm={() => void revoke.run(confirming)}
          onCancel={() => setConfirming(null)}
        >
          <p>
            It is removed from your encrypted conversations and can read nothing sent from now on. What it has already read stays on it. To
            use it again, it becomes a new device.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
