import { readFileSync } from 'node:fs';

/**
 * This server's version, from its package.json (one level up from both src/ and dist/, and in
 * every `npm pack` tarball): the OpenAPI document's `info.version` says what the packages say.
 */
export const SERVER_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;
