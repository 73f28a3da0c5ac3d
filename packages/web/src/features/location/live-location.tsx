import { useEffect, useState } from 'react';
import type { Location, UpdateLocationBody } from '@confab/protocol';
import { useAction } from '../../components/useAction.js';
import type { MessageContext } from '../messages/extensions.js';

/** How long "Share live location" shares for. */
export const LIVE_FOR_MS = 60 * 60 * 1000;

/** Six decimals: about 10 cm, more than any phone knows. */
export const round = (degrees: number) => Math.round(degrees * 1e6) / 1e6;

function positionOf(position: GeolocationPosition): UpdateLocationBody {
  return {
    lat: round(position.coords.latitude),
    lng: round(position.coords.longitude),
    ...(Number.isFinite(position.coords.accuracy) ? { accuracyM: Math.round(position.coords.accuracy) } : {}),
  };
}

export function currentPosition(): Promise<UpdateLocationBody> {
  return new Promise((resolve, reject) =>
    navigator.geolocation.getCurrentPosition(
      (position) => resolve(positionOf(position)),
      (failure) =>
        reject(new Error(failure.code === failure.PERMISSION_DENIED ? 'Location is not allowed.' : 'Your location could not be found.')),
      { enableHighAccuracy: true, timeout: 15_000 },
    ),
  );
}

/** Whether a location is live now; re-renders when it runs out (or was stopped: `liveUntil` moved to the past). */
export function useLiveNow(location: Location | null | undefined): boolean {
  const until = location?.liveUntil ? Date.parse(location.liveUntil) : null;
  const [now, setNow] = useState(() => Date.now());
  const live = until !== null && until > now;
  useEffect(() => {
    if (!live || until === null) return;
    // A live location lasts at most 8 hours: well within a timer's range.
    const timer = setTimeout(() => setNow(Date.now()), Math.max(0, until - Date.now()) + 50);
    return () => clearTimeout(timer);
  }, [live, until]);
  return live;
}

/**
 * On my own live location, while it is live: "Update location" (where the browser says I am
 * now) and "Stop sharing". Members see each move and the stop as `message.updated`. Moves are
 * not sent by themselves from a `watchPosition`: a tab left open would track a person who forgot it.
 */
export function LiveLocationControls({ context }: { context: MessageContext }) {
  const { message, services } = context;
  const locations = services.client.locations;
  const update = useAction(async () => {
    await locations.update(message.id, await currentPosition());
  });
  const stop = useAction(async () => {
    await locations.stop(message.id);
  });
  const error = update.error ?? stop.error;
  return (
    <div className="live-location-controls" role="group" aria-label="My live location">
      <button type="button" disabled={update.busy} onClick={() => void update.run()}>
        Update location
      </button>
      <button type="button" className="danger" disabled={stop.busy} onClick={() => void stop.run()}>
        Stop sharing
      </button>
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
