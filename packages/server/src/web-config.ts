import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EnvReader } from './env-reader.js';

/**
 * Where the built web app is: packages/web/dist beside this package, as the install step
 * builds it (two levels up from both src/ and dist/).
 */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * WEB_DIR: the directory of the built web app served at `/`, or `off` to serve the API alone.
 * Unset, the default directory is used when it holds a build (a server installed without the
 * web package serves the API alone); a directory named explicitly must hold one.
 */
export function readWebDir(read: EnvReader): string | null {
  const raw = read.optional('WEB_DIR');
  if (raw === 'off') return null;
  if (raw === null) return hasIndex(DEFAULT_WEB_DIR) ? DEFAULT_WEB_DIR : null;
  const dir = path.resolve(raw);
  if (!hasIndex(dir)) {
    read.problem(`WEB_DIR: expected a directory holding the built web app (its index.html), or "off"; ${dir} has no index.html`);
    return null;
  }
  return dir;
}

function hasIndex(dir: string): boolean {
  const index = path.join(dir, 'index.html');
  return existsSync(index) && statSync(index).isFile();
}
