import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { registerUser } from '../harness.js';
import { processSandbox } from '../process.js';

/**
 * Records every package the process imports by name, one per line (an ESM resolve hook: the
 * server's own code is ESM, so each package it imports passes here once at least).
 */
const HOOK = `import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const name = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(resolved.url)?.[1];
  if (name) appendFileSync(file, name + '\\n');
  return resolved;
}
`;

/** Issue 41 item 3: a node loads only the drivers its configuration names (each was tens of MiB and ms of every start). */
describe('the embedded default', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  it('imports no driver for PostgreSQL, MySQL or Redis, nor the mail library, until they are needed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'confab-imports-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'imported.txt');
    writeFileSync(file, '');
    writeFileSync(path.join(dir, 'hook.mjs'), HOOK);
    const hook = pathToFileURL(path.join(dir, 'hook.mjs')).href;
    writeFileSync(
      path.join(dir, 'register.mjs'),
      `import { register } from 'node:module';\nregister(${JSON.stringify(hook)}, { data: { file: ${JSON.stringify(file)} } });\n`,
    );
    const sandbox = await processSandbox('imports', { NODE_OPTIONS: `--import ${pathToFileURL(path.join(dir, 'register.mjs')).href}` });
    cleanups.push(() => sandbox.cleanup());
    const server = await sandbox.start();
    await registerUser(server.url); // an account, a session, a rate-limit count: the everyday path
    const imported = new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean));
    expect(imported).toContain('fastify'); // the hook saw the server's packages
    expect(imported).toContain('better-sqlite3');
    for (const lazy of ['pg', 'mysql2', 'ioredis', 'nodemailer']) expect(imported, lazy).not.toContain(lazy);
  });
});
