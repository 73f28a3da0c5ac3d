import { ScanLine } from 'lucide-react';
import { Suspense, lazy, useRef, useState } from 'react';
import { Dialog } from '../../components/ui/index.js';

// The camera loop and the verdicts load with the first scan, not with every profile card.
const Scanner = lazy(() => import('./SafetyNumberScanner.js').then((m) => ({ default: m.SafetyNumberScanner })));

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
          <Suspense fallback={<p role="status">Starting the camera…</p>}>
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
          </Suspense>
        </Dialog>
      )}
    </>
  );
}
