import { useState } from 'react';
import type { LocationInput } from '@confab/protocol';
import { describeError } from '../../components/errors.js';
import { RichText } from '../../components/RichText.js';
import { type ComposerContext, type MessageContext, composerAddons, messageBodies } from '../messages/extensions.js';

/**
 * Locations: "Share location" sends where the browser says I am (after the browser asks me) as
 * a `location` message; received, it shows the place's label, its coordinates and a link to the
 * map at OpenStreetMap (no map tiles are loaded inside the app). A live location shows until
 * when it is live. A browser without geolocation shows no button.
 */
messageBodies.location = LocationBody;
if (typeof navigator !== 'undefined' && 'geolocation' in navigator) composerAddons.push({ id: 'location', component: ShareLocation });

function ShareLocation({ composer }: { composer: ComposerContext }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const share = () => {
    setBusy(true);
    setError(null);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setBusy(false);
        const location: LocationInput = {
          lat: round(position.coords.latitude),
          lng: round(position.coords.longitude),
          ...(Number.isFinite(position.coords.accuracy) ? { accuracyM: Math.round(position.coords.accuracy) } : {}),
        };
        try {
          composer.send(undefined, { kind: 'location', location });
        } catch (caught) {
          setError(describeError(caught));
        }
      },
      (failure) => {
        setBusy(false);
        setError(failure.code === failure.PERMISSION_DENIED ? 'Location is not allowed.' : 'Your location could not be found.');
      },
      { enableHighAccuracy: true, timeout: 15_000 },
    );
  };
  return (
    <>
      <button type="button" className="icon-button" onClick={share} disabled={busy} aria-label="Share location">
        📍
      </button>
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}

/** Six decimals: about 10 cm, more than any phone knows. */
const round = (degrees: number) => Math.round(degrees * 1e6) / 1e6;

function LocationBody({ context }: { context: MessageContext }) {
  const { location, body } = context.message;
  const [now] = useState(() => Date.now());
  if (!location) return null;
  const { lat, lng } = location;
  const map = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=16/${lat}/${lng}`;
  const live = location.liveUntil && Date.parse(location.liveUntil) > now;
  return (
    <div className="location-body">
      {body !== '' && <RichText text={body} />}
      <p>
        <span aria-hidden="true">📍 </span>
        {location.label ? <bdi className="location-label">{location.label}</bdi> : 'Location'}{' '}
        <span className="hint">
          {lat.toFixed(5)}, {lng.toFixed(5)}
          {location.accuracyM ? ` (±${location.accuracyM} m)` : ''}
        </span>
      </p>
      {live && <p className="hint">Live until {new Date(location.liveUntil!).toLocaleTimeString()}</p>}
      <a href={map} target="_blank" rel="noopener noreferrer nofollow">
        Open in OpenStreetMap
      </a>
    </div>
  );
}
