import { ShieldCheck } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useApp } from '../../state/AppContext.js';
import { browserDevice } from './browser-device.js';

/**
 * My safety number with a person, on their profile card (issue 39, decision 0027 part 6): sixty
 * digits from our two identity keys, the same on both our devices. Compared in person or over
 * another channel, the same number means nobody stands between us; a changed key changes it.
 * Nothing is shown while either of us has no identity key (encryption never turned on), or when
 * mine is on another device than this browser.
 */
export function SafetyNumber({ userId, name }: { userId: string; name: string }) {
  const { client } = useApp();
  const [digits, setDigits] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    browserDevice(client)
      .then((enabled) => (enabled ? client.safetyNumber(userId) : null))
      .then(
        (number) => live && setDigits(number),
        // No identity key yet on either side (or offline): nothing to compare.
        () => live && setDigits(null),
      );
    return () => {
      live = false;
    };
  }, [client, userId]);
  if (digits === null) return null;
  return (
    <details className="safety-number">
      <summary>
        <ShieldCheck size={14} aria-hidden="true" /> Safety number
      </summary>
      <p className="safety-number-digits">{digits}</p>
      <p className="hint">
        Compare it with the one <bdi>{name}</bdi> sees for you, in person or by a call: the same number means your encrypted messages reach
        only each other&rsquo;s devices.
      </p>
    </details>
  );
}
