import { EncryptionError } from '@confab/client';
import { ShieldAlert, ShieldCheck } from 'lucide-react';
import { Suspense, lazy, useCallback, useEffect, useRef, useState } from 'react';
import { useAction } from '../../components/useAction.js';
import { useApp } from '../../state/AppContext.js';
import { browserDevice } from './browser-device.js';
import { PastedNumberCheck } from './PastedNumberCheck.js';
import { ScanSafetyNumber } from './ScanSafetyNumber.js';
import { useVerification } from './use-verification.js';

// The QR encoder is loaded with the first safety number shown, not with the app.
const SafetyNumberQr = lazy(() => import('./SafetyNumberQr.js').then((m) => ({ default: m.SafetyNumberQr })));

/**
 * My safety number with a person, on their profile card (issue 39, decision 0027 part 6): sixty
 * digits from our two identity keys, the same on both our devices, and as a QR code. Compared in
 * person or over another channel, the same number means nobody stands between us: then "Mark as
 * verified" (kept on this device) puts a shield by their name. A changed key changes the number
 * and opens this, with a warning, until they are verified again. Their number can also be
 * scanned from their screen ("Scan their code") or pasted, and is then compared for us.
 * Nothing is shown while either of us has no identity key (encryption never turned on), or when
 * mine is on another device than this browser.
 */
export function SafetyNumber({ userId, name }: { userId: string; name: string }) {
  const { client } = useApp();
  const [digits, setDigits] = useState<string | null>(null);
  const state = useVerification(userId);
  const load = useCallback(
    () =>
      browserDevice(client)
        .then((enabled) => (enabled ? client.safetyNumber(userId) : null))
        // No identity key yet on either side (or offline): nothing to compare.
        .catch(() => null),
    [client, userId],
  );
  useEffect(() => {
    let live = true;
    void load().then((number) => live && setDigits(number));
    return () => {
      live = false;
    };
  }, [load, state]);
  // A changed key opens the number by itself (and it stays open once verified again).
  const details = useRef<HTMLDetailsElement>(null);
  const pasteForm = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (state === 'changed' && details.current) details.current.open = true;
  }, [state, digits]);
  const mark = useAction(async () => {
    if (digits === null) return;
    try {
      await client.markVerified(userId, digits);
    } catch (error) {
      // Their key changed while this was open: show the new number before anyone marks it.
      if (error instanceof EncryptionError && error.code === 'safety_number_changed') setDigits(await load());
      throw error;
    }
  });
  if (digits === null) return null;
  return (
    <details className="safety-number" ref={details}>
      <summary>
        {state === 'changed' ? <ShieldAlert size={14} aria-hidden="true" /> : <ShieldCheck size={14} aria-hidden="true" />} Safety number
      </summary>
      {state === 'changed' && (
        <p className="safety-number-changed">
          <bdi>{name}</bdi>&rsquo;s safety number changed: their encryption key is new. Compare the new number before you mark them verified
          again.
        </p>
      )}
      <p className="safety-number-digits">{digits}</p>
      <Suspense fallback={null}>
        <SafetyNumberQr digits={digits} />
      </Suspense>
      <p className="hint">
        Compare it with the one <bdi>{name}</bdi> sees for you, in person or by a call: the same number means your encrypted messages reach
        only each other&rsquo;s devices.
      </p>
      {state === 'verified' ? (
        <p className="safety-number-verified">
          <ShieldCheck size={14} aria-hidden="true" />
          <span>
            You verified <bdi>{name}</bdi>.
          </span>
        </p>
      ) : (
        <>
          <button type="button" disabled={mark.busy} onClick={() => void mark.run()}>
            <ShieldCheck size={16} aria-hidden="true" /> Mark as verified
          </button>
          <ScanSafetyNumber
            digits={digits}
            name={name}
            verify={() => mark.run()}
            onPasteInstead={() => pasteForm.current?.querySelector('input')?.focus()}
          />
          <div ref={pasteForm}>
            <PastedNumberCheck digits={digits} name={name} verify={() => mark.run()} />
          </div>
        </>
      )}
      {mark.error && (
        <p className="error" role="alert">
          {mark.error}
        </p>
      )}
    </details>
  );
}
