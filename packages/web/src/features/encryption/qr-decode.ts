/**
 * Reading a QR code from a camera frame (issue 39: scanning the other person's safety number), and
 * judging what was read. The browser's own `BarcodeDetector` when it has one that reads QR codes
 * (Chromium on Android, ChromeOS and macOS, Safari); elsewhere jsQR, loaded only when a scan
 * starts (decision 0041: pure JavaScript, so no WebAssembly for our CSP to allow, nothing fetched
 * at run time).
 */

/** One frame's RGBA pixels, as a canvas's `getImageData` gives them. */
export interface Frame {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/** The text of the first QR code in the frame, or null when it shows none. */
export type QrDecoder = (frame: Frame) => Promise<string | null>;

// Not in TypeScript's DOM library yet: the part of the Shape Detection API we call.
interface BarcodeDetectorLike {
  detect(image: ImageData): Promise<{ rawValue: string }[]>;
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

/** The native decoder when this browser has one for QR codes, else jsQR (fetched from our own server on first use). */
export async function qrDecoder(): Promise<QrDecoder> {
  return (await nativeQrDecoder()) ?? jsQrDecoder();
}

async function nativeQrDecoder(): Promise<QrDecoder | null> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Detector || typeof ImageData === 'undefined') return null;
  // Desktop Linux and Windows Chromium define the class but support no format.
  const formats = await Detector.getSupportedFormats().catch(() => [] as string[]);
  if (!formats.includes('qr_code')) return null;
  const detector = new Detector({ formats: ['qr_code'] });
  return async (frame) => {
    const image = frame instanceof ImageData ? frame : new ImageData(new Uint8ClampedArray(frame.data), frame.width, frame.height);
    const [found] = await detector.detect(image);
    return found?.rawValue ?? null;
  };
}

/** jsQR, the fallback: exported so it can be tested where no browser decoder exists. */
export async function jsQrDecoder(): Promise<QrDecoder> {
  const { default: jsQR } = await import('jsqr');
  // Our codes are dark on light (SafetyNumberQr.tsx): trying the inverted image too would double the work per frame.
  return (frame) => Promise.resolve(jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'dontInvert' })?.data ?? null);
}

/**
 * What a scanned code says about our safety number: the same sixty digits (`match`), another
 * safety number (`different`), or a code that is no safety number at all (a link, a ticket).
 * Spaces are ignored, as in a pasted number; any other character means it is not a number.
 */
export type ScanVerdict = 'match' | 'different' | 'not-a-safety-number';

export function judgeScan(scanned: string, ours: string): ScanVerdict {
  if (!/^[\d\s]+$/.test(scanned)) return 'not-a-safety-number';
  const theirs = scanned.replace(/\s/g, '');
  if (theirs.length !== 60) return 'not-a-safety-number';
  return theirs === ours.replace(/\D/g, '') ? 'match' : 'different';
}

/** Why the camera did not start, from getUserMedia's error (its DOMException names). */
export type CameraProblem = 'denied' | 'no-camera' | 'busy' | 'insecure' | 'failed';

export function cameraProblem(error: unknown): CameraProblem {
  const name = error instanceof Error || (typeof DOMException !== 'undefined' && error instanceof DOMException) ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'no-camera';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    case 'SecurityError':
      return 'insecure';
    default:
      return 'failed';
  }
}
