import { renameSync, writeFileSync } from 'node:fs';
import qrcode from 'qrcode-generator';

const WIDTH = 640;
const HEIGHT = 480;
const MODULE_PX = 8;

/**
 * A video file for Chromium's fake camera (`--use-file-for-fake-video-capture`): Y4M, a one-line
 * text header and then raw YUV 4:2:0 frames. Each frame shows a QR code of `content` (digits as
 * SafetyNumberQr.tsx encodes them: numeric mode, level M; other text in byte mode), black modules
 * (luma 0) on white (255), grey chroma, the quiet zone and more around; `null` shows white
 * alone. Chromium opens the file when a page starts the camera, so a test can change what it
 * shows between scans; the file is replaced whole (rename) so a camera starting never reads half
 * of one.
 */
export function writeFakeCamera(file: string, content: string | null, frames = 3): void {
  const luma = Buffer.alloc(WIDTH * HEIGHT, 255);
  if (content !== null) {
    const qr = qrcode(0, 'M');
    if (/^[\d\s]+$/.test(content)) qr.addData(content.replace(/\s/g, ''), 'Numeric');
    else qr.addData(content, 'Byte');
    qr.make();
    const count = qr.getModuleCount();
    const left = (WIDTH - count * MODULE_PX) >> 1;
    const top = (HEIGHT - count * MODULE_PX) >> 1;
    for (let row = 0; row < count; row++) {
      for (let col = 0; col < count; col++) {
        if (!qr.isDark(row, col)) continue;
        for (let y = 0; y < MODULE_PX; y++) {
          const start = (top + row * MODULE_PX + y) * WIDTH + left + col * MODULE_PX;
          luma.fill(0, start, start + MODULE_PX);
        }
      }
    }
  }
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(`${file}.tmp`, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
  renameSync(`${file}.tmp`, file);
}
