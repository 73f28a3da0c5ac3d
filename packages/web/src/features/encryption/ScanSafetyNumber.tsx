import { ScanLine } from 'lucide-react';
import { useRef, useState } from 'react';
import { Dialog } from '../../components/ui/index.js';
import { type CameraProblem, judgeScan } from './qr-decode.js';
import { useQrCamera } from './use-qr-camera.js';

/**
 * "Scan their code" (issue 39): the camera in a dialog, reading the QR code of the safety number
 * on the other person's screen. Their sixty digits equal to ours verify them with the same call as
 * "Mark as verified"; another number says so and verifies nothing; no camera says why and offers
 * the pasted number instead (`onPasteInstead`: focus goes to that field when the dialog closes).
 */
export function ScanSafetyNumber({
  digits,
  name,
  verify,
  onPasteInstead,
}: {
  digits: string;
  name: string;
  verify(): Promise<void>;
  onPasteInstead(): void;
}) {
  const [open, setOpen] = useState(false);
  const toPaste = useRef(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        <ScanLine size={16} aria-hidden="true" /> Scan their code
      </button>
      {open && (
        <Dialog
          open
          onOpenChange={(next) => !next && setOpen(false)}
          title={`Scan ${name}’s code`}
          description={`Point your camera at the QR code under the safety number ${name} sees for you.`}
          className="qr-scan"
          onCloseAutoFocus={(event) => {
            if (!toPaste.current) return;
            toPaste.current = false;
            event.preventDefault();
            onPasteInstead();
          }}
        >
          <Scanner
            digits={digits}
            name={name}
            verify={async () => {
              await verify();
              setOpen(false);
            }}
            paste={() => {
              toPaste.current = true;
              setOpen(false);
            }}
          />
        </Dialog>
      )}
    </>
  );
}

function Scanner({ digits, name, verify, paste }: { digits: string; name: string; verify(): Promise<void>; paste(): void }) {
  const video = useRef<HTMLVideoElement>(null);
  // `looking` runs the camera; a mismatch stops it (and says so) until "Scan again".
  const [phase, setPhase] = useState<'looking' | 'different' | 'verifying'>('looking');
  const [foreign, setForeign] = useState(false);
  const camera = useQrCamera(video, phase === 'looking', (text) => {
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
      <video ref={video} className="qr-scan-preview" muted playsInline hidden={phase !== 'looking' || unavailable} aria-label="Camera preview" />
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
            This code does not match your safety number with <bdi>{name}</bdi>: do not mark them as verified. Ask them to show the number they
            see for you.
          </p>
          <button type="button" onClick={() => setPhase('looking')}>
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
