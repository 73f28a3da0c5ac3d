import type { PendingDeviceLink } from '@confab/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useApp } from '../../state/AppContext.js';
import { browserDevice } from './browser-device.js';
import { stillPending, untilFirstExpiry } from './link-requests.js';

/** How often a device of mine looks at the requests again while it shows some (or always, in Settings). */
const POLL_MS = 3000;

/**
 * The link requests this browser may answer (issue 39 part 4): only where it holds my identity
 * key, so a browser waiting to be linked never prompts for its own request. A request appears
 * at once on `device_link.requested` and goes at once on `device_link.answered` (from any device
 * of mine) or at its expiry; a look when the connection opens again catches what it missed, and a
 * slow look while requests show catches an answer missed. `pollAlways` (Settings) looks every
 * 3 s even with none shown, as Settings always did.
 */
export function useLinkRequests({ pollAlways = false }: { pollAlways?: boolean } = {}) {
  const { client, connection } = useApp();
  const [requests, setRequests] = useState<PendingDeviceLink[]>([]);
  const answered = useRef(new Set<string>());
  const [looks, setLooks] = useState(0);
  const look = useCallback(() => setLooks((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    // browserDevice is asked each time: a browser linked since (forgetBrowserDevice) holds the key now.
    browserDevice(client)
      .catch(() => false)
      .then((holdsKey) => (holdsKey ? client.deviceLinks.pending() : []))
      .then(
        (list) => live && setRequests(stillPending(list, answered.current, Date.now())),
        () => undefined,
      );
    return () => {
      live = false;
    };
  }, [client, looks]);

  useEffect(() => {
    const stops = [
      connection.on('device_link.requested', look),
      connection.on('device_link.answered', ({ link }) => {
        answered.current.add(link.id);
        setRequests((list) => stillPending(list, answered.current, Date.now()));
      }),
      connection.onStateChange((state) => state === 'open' && look()),
    ];
    return () => stops.forEach((stop) => stop());
  }, [connection, look]);

  const showing = requests.length > 0;
  useEffect(() => {
    if (!showing && !pollAlways) return;
    const timer = setInterval(look, POLL_MS);
    return () => clearInterval(timer);
  }, [showing, pollAlways, look]);

  useEffect(() => {
    const wait = untilFirstExpiry(requests, Date.now());
    if (wait === null) return;
    // One past the expiry: the request is gone from this device's point of view then.
    const timer = setTimeout(() => setRequests((list) => stillPending(list, answered.current, Date.now())), wait + 1);
    return () => clearTimeout(timer);
  }, [requests]);

  /** After answering here: take it down at once, before the event comes back. */
  const answeredHere = useCallback((id: string) => {
    answered.current.add(id);
    setRequests((list) => list.filter((l) => l.id !== id));
  }, []);

  return { requests, answeredHere };
}
