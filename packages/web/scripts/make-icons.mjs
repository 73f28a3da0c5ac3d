// Makes the PNG icons of the web app manifest from its SVGs (public/icons/*.svg), with sharp.
// Run it after changing an SVG: `node packages/web/scripts/make-icons.mjs`; the PNGs are
// committed, so the web build needs no image tool (sharp is the server's dependency).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const icons = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');
/** [source SVG, output PNG, size]: the manifest's "any" and "maskable" icons, and iOS's home-screen icon. */
const outputs = [
  ['icon.svg', 'icon-192.png', 192],
  ['icon.svg', 'icon-512.png', 512],
  ['maskable.svg', 'maskable-512.png', 512],
  ['maskable.svg', 'apple-touch-icon.png', 180],
];

for (const [source, output, size] of outputs) {
  await sharp(path.join(icons, source), { density: (72 * size) / 32 })
    .resize(size, size)
    .png({ compressionLevel: 9, palette: true })
    .toFile(path.join(icons, output));
}
