import type { PendingDeviceLink } from '@confab/client';
import { useCallback, useEffect, useState } from 'react';
import { useAction } from '../../components/useAction.js';
import { useSignedIn } from '../../session/SessionContext.js';
import { FormOutcome } from '../account/Notice.js';
import { browserDevice, browserName, forgetBrowserDevice } from './browser-device.js';
import { LinkRequestReview } from './LinkRequestReview.js';
import { useLinkRequests } from './use-link-requests.js';

/**
 * Device linking in Settings → Encryption (issue 39 part 4). A browser without my identity key
 * (it was made on another device) asks to be linked and shows a code; a device of mine that holds
 * the key lists the requests with the same code, to compare before approving. The key travels
 * sealed to the new browser: the server cannot read it.
 */
export function DeviceLinks({ onLinked }: { onLinked: () => void }) {
  const { client } = useSignedIn();
  const [hasDevice, setHasDevice] = useState<boolean | null>(null);
  const [version, setVersion] = useState(0);
  const [linked, setLinked] = useState(false);
  useEffect(() => {
    let live = true;
    browserDevice(client).then(
      (enabled) => live && setHasDevice(enabled),
      () => live && setHasDevice(null),
    );
    return () => {
      live = false;
    };
  }, [client, version]);
  if (hasDevice === null) return null;
  if (hasDevice) {
    return (
      <>
        {linked && <FormOutcome error={null} done="This browser is linked: it reads your encrypted conversations from now on." />}
        <LinkRequests />
      </>
    );
  }
  return (
    <LinkThisBrowser
      onLinked={() => {
        forgetBrowserDevice(client);
        setLinked(true);
        setVersion((v) => v + 1);
        onLinked();
      }}
    />
  );
}

/** On the new browser: ask, show the code, wait for the approval. */
function LinkThisBrowser({ onLinked }: { onLinked: () => void }) {
  const { client } = useSignedIn();
  const [code, setCode] = useState<string | null>(null);
  const link = useAction(
    useCallback(async () => {
      const request = await client.deviceLinks.request(browserName());
      setCode(request.code);
      await client.deviceLinks.complete(request.id, { deviceName: browserName() });
      setCode(null);
      onLinked();
    }, [client, onLinked]),
  );
  return (
    <div className="device-link" aria-labelledby="link-browser-title">
      <h4 id="link-browser-title">Link this browser</h4>
      <p className="hint">
        Your encryption keys were made on another device. Link this browser from there to read encrypted conversations here. Messages sent
        before it is linked stay unreadable on it.
      </p>
      {code ? (
        <p role="status" className="device-link-code">
          Code <strong>{code}</strong>: on your other device, open Settings → Encryption and approve the request showing the same code.
        </p>
      ) : (
        <button type="button" disabled={link.busy} onClick={() => void link.run()}>
          Link this browser
        </button>
      )}
      <FormOutcome error={link.error} done={null} />
    </div>
  );
}

/** On a device of mine with the identity key: the requests waiting, each with its code (the same review as the prompt's). */
function LinkRequests() {
  const { requests, answeredHere } = useLinkRequests({ pollAlways: true });
  const [done, setDone] = useState<string | null>(null);
  const onAnswered = useCallback(
    (request: PendingDeviceLink, approved: boolean) => {
      answeredHere(request.id);
      setDone(approved ? `Linked ${request.deviceName}.` : `Declined ${request.deviceName}.`);
    },
    [answeredHere],
  );
  if (requests.length === 0 && !done) return null;
  return (
    <div className="device-link">
      {requests.length > 0 && (
        <ul className="session-list" aria-label="Link requests">
          {requests.map((r) => (
            <li key={r.id} className="session-item">
              <LinkRequestReview request={r} onAnswered={onAnswered} />
            </li>
          ))}
        </ul>
      )}
      <FormOutcome error={null} done={done} />
    </div>
  );
}
