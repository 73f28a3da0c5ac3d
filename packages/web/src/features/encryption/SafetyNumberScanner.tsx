import { useState } from 'react';
import { type CameraProblem, judgeScan } from './qr-decode.js';
import { useQrCamera } from './use-qr-camera.js';

/** The camera, its live view and what it read (ScanSafetyNumber.tsx's dialog body). */
export function SafetyNumberScanner({
  digits,
  name,
  verify,
  paste,
}: {
  digits: string;
  name: string;
  verify(): Promise<void>;
  paste(): void;
}) {
  // `looking` runs the camera; a mismatch stops it (and says so) until "Scan again".
  const [phase, setPhase] = useState<'looking' | 'different' | 'verifying'>('looking');
  const [foreign, setForeign] = useState(false);
  const { video, state: camera } = useQrCamera(phase === 'looking', (text) => {
    const verdict = judgeScan(text, digits);
    if (verdict === 'not-a-safety-number') {
      setForeign(true);
      return true;
    }
    setPhase(verdict === 'match' ? 'verifying' : 'different');
    if (verdict === 'match') void verify();
    return false;
  });
  const unavailable = phase === 'looking' && camera.kind === 'unavailable';
  return (
    <div className="qr-scan-body">
      <video
        ref={video}
        className="qr-scan-preview"
        muted
        playsInline
        hidden={phase !== 'looking' || unavailable}
        aria-label="Camera preview"
      />
      {phase === 'looking' && !unavailable && (
        <p role="status">
          {camera.kind === 'starting'
            ? 'Starting the camera…'
            : foreign
              ? `That QR code is not a safety number: point the camera at the code under the number ${name} sees.`
              : 'Looking for a QR code…'}
        </p>
      )}
      {phase === 'verifying' && <p role="status">The numbers match: marking {name} as verified…</p>}
      {phase === 'different' && (
        <>
          <p className="error" role="alert">
            This code does not match your safety number with <bdi>{name}</bdi>: do not mark them as verified. Ask them to show the number
            they see for you.
          </p>
          <button
            type="button"
            onClick={() => {
              setForeign(false);
              setPhase('looking');
            }}
          >
            Scan again
          </button>
        </>
      )}
      {unavailable && (
        <>
          <p className="error" role="alert">
            {problemText(camera.problem)}
          </p>
          <button type="button" onClick={paste}>
            Compare a pasted number instead
          </button>
        </>
      )}
    </div>
  );
}

function problemText(problem: CameraProblem): string {
  switch (problem) {
    case 'denied':
      return 'The camera is blocked for this site. Allow it in the browser’s site settings, or compare a number they send you.';
    case 'no-camera':
      return 'No camera was found on this device.';
    case 'busy':
      return 'The camera could not start: another app may be using it.';
    case 'insecure':
      return 'The browser allows the camera only on a secure (https) connection.';
    case 'failed':
      return 'The camera could not start.';
  }
}
