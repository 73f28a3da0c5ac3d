import { useState } from 'react';
import type { LocationInput } from '@confab/protocol';
import { describeError } from '../../components/errors.js';
import { RichText } from '../../components/RichText.js';
import { type ComposerContext, type MessageContext, composerAddons, messageBodies } from '../messages/extensions.js';
import { LIVE_FOR_MS, LiveLocationControls, currentPosition, useLiveNow } from './live-location.js';
import { MapPin, Radio } from 'lucide-react';
import { IconButton, Tooltip } from '../../components/ui/index.js';

/**
 * Locations: "Share location" sends where the browser says I am (after the browser asks me) as
 * a `location` message; "Share live location" sends one that stays live for an hour, which I
 * can move ("Update location") and stop. Received, it shows
 * the place's label, its coordinates and a link to the map at OpenStreetMap (no map tiles are
 * loaded inside the app), and until when it is live. A browser without geolocation shows no button.
 * In an encrypted conversation (issue 39) the place goes inside an MLS message, and so do a live
 * place's moves and its stop (the SDK's path): members' browsers work out where it is now.
 */
messageBodies.location = LocationBody;
if (typeof navigator !== 'undefined' && 'geolocation' in navigator) composerAddons.push({ id: 'location', component: ShareLocation });

function ShareLocation({ composer }: { composer: ComposerContext }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const share = async (live: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const location: LocationInput = { ...(await currentPosition()) };
      if (live) location.liveUntil = new Date(Date.now() + LIVE_FOR_MS).toISOString();
      composer.send(undefined, { kind: 'location', location });
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <IconButton label="Share location" icon={<MapPin aria-hidden="true" size={18} />} onClick={() => void share(false)} disabled={busy} />
      <Tooltip label="Share live location for an hour">
        <button type="button" className="icon-button" onClick={() => void share(true)} disabled={busy} aria-label="Share live location">
          <Radio aria-hidden="true" size={18} />
        </button>
      </Tooltip>
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}

function LocationBody({ context }: { context: MessageContext }) {
  const { location, body = '' } = context.message;
  const live = useLiveNow(location);
  if (!location) return null;
  const { lat, lng } = location;
  const map = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=16/${lat}/${lng}`;
  return (
    <div className="location-body">
      {body !== '' && <RichText text={body} />}
      <p>
        <MapPin aria-hidden="true" size={14} className="inline-icon" />{' '}
        {location.label ? <bdi className="location-label">{location.label}</bdi> : 'Location'}{' '}
        <span className="hint">
          {lat.toFixed(5)}, {lng.toFixed(5)}
          {location.accuracyM ? ` (±${location.accuracyM} m)` : ''}
        </span>
      </p>
      {live && <p className="hint">Live until {new Date(location.liveUntil!).toLocaleTimeString()}</p>}
      {location.liveUntil && !live && <p className="hint">Live location ended</p>}
      {live && context.mine && context.message.deletedAt === null && <LiveLocationControls context={context} />}
      <a href={map} target="_blank" rel="noopener noreferrer nofollow">
        Open in OpenStreetMap
      </a>
    </div>
  );
}
