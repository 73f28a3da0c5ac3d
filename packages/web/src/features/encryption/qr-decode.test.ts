import qrcode from 'qrcode-generator';
import { describe, expect, it } from 'vitest';
import { type Frame, cameraProblem, judgeScan, jsQrDecoder, qrDecoder } from './qr-decode.js';

const ours = '12345 67890 12345 67890 12345 67890 12345 67890 12345 67890 12345 67890';
const oursDigits = ours.replace(/\s/g, '');

/** A QR code as SafetyNumberQr.tsx makes it (numeric mode, level M), drawn as a camera would see it: `scale` pixels a module, white around. */
function render(text: string, { scale = 6, margin = 40, mode = 'Numeric' as 'Numeric' | 'Byte' } = {}): Frame {
  const qr = qrcode(0, 'M');
  qr.addData(text, mode);
  qr.make();
  const count = qr.getModuleCount();
  const width = count * scale + 2 * margin;
  const height = width + 30; // not square, as a camera frame is not
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const row = Math.floor((y - margin) / scale);
      const col = Math.floor((x - margin) / scale);
      if (row < 0 || col < 0 || row >= count || col >= count || !qr.isDark(row, col)) continue;
      data.fill(20, (y * width + x) * 4, (y * width + x) * 4 + 3); // dark grey, as printed or on a screen
    }
  }
  return { data, width, height };
}

describe('decoding a safety number QR code', () => {
  it('reads back the sixty digits SafetyNumberQr encodes, and judges them ours', async () => {
    const decode = await jsQrDecoder();
    const text = await decode(render(oursDigits));
    expect(text).toBe(oursDigits);
    expect(judgeScan(text!, ours)).toBe('match');
  });

  it('uses jsQR where no BarcodeDetector exists (Node here, as desktop Linux Chromium)', async () => {
    expect('BarcodeDetector' in globalThis).toBe(false);
    const decode = await qrDecoder();
    expect(await decode(render(oursDigits, { scale: 4 }))).toBe(oursDigits);
  });

  it('finds nothing in a frame without a code, and nothing in a code cut in half', async () => {
    const decode = await jsQrDecoder();
    const blank = { data: new Uint8ClampedArray(200 * 150 * 4).fill(255), width: 200, height: 150 };
    expect(await decode(blank)).toBeNull();
    const frame = render(oursDigits);
    const cut = new Uint8ClampedArray(frame.data);
    cut.fill(255, 0, (frame.height >> 1) * frame.width * 4);
    expect(await decode({ ...frame, data: cut })).toBeNull();
  });

  it('tells another safety number from ours, and a code that is no safety number at all', async () => {
    const decode = await jsQrDecoder();
    const other = `9${oursDigits.slice(1)}`;
    expect(judgeScan((await decode(render(other)))!, ours)).toBe('different');
    const link = (await decode(render('https://example.org/12345', { mode: 'Byte' })))!;
    expect(link).toBe('https://example.org/12345');
    expect(judgeScan(link, ours)).toBe('not-a-safety-number');
  });
});

describe('judgeScan', () => {
  it('ignores spaces, as in a pasted number', () => {
    expect(judgeScan(ours, oursDigits)).toBe('match');
  });
  it('refuses numbers of another length and text around the digits', () => {
    expect(judgeScan(oursDigits.slice(0, 59), ours)).toBe('not-a-safety-number');
    expect(judgeScan(`${oursDigits}0`, ours)).toBe('not-a-safety-number');
    expect(judgeScan(`SN:${oursDigits}`, ours)).toBe('not-a-safety-number');
    expect(judgeScan('', ours)).toBe('not-a-safety-number');
  });
});

describe('cameraProblem', () => {
  it('names what getUserMedia refused', () => {
    expect(cameraProblem(new DOMException('no', 'NotAllowedError'))).toBe('denied');
    expect(cameraProblem(new DOMException('none', 'NotFoundError'))).toBe('no-camera');
    expect(cameraProblem(new DOMException('busy', 'NotReadableError'))).toBe('busy');
    expect(cameraProblem(new DOMException('http', 'SecurityError'))).toBe('insecure');
    expect(cameraProblem(new Error('odd'))).toBe('failed');
    expect(cameraProblem('not an error')).toBe('failed');
  });
});
