import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = path.join(ROOT, 'packages/server/bin/confab.js');
const COMPILED = path.join(ROOT, 'packages/server/dist/main.js');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');

/**
 * bin/confab.js runs the compiled CLI (`npm ci` builds it). Brings it up to date with the sources,
 * so the CLI migrates a database exactly as the server under test does; `tsc -b` is a no-op when
 * nothing changed, and type errors elsewhere do not stop it emitting.
 */
export async function buildCli(): Promise<void> {
  await promisify(execFile)(process.execPath, [TSC, '-b', 'packages/server'], { cwd: ROOT }).catch(() => undefined);
  if (!existsSync(COMPILED)) throw new Error(`${COMPILED} is missing: run npm run build`);
}

/** Runs the real `confab` command in `cwd` with only `env` (and PATH), so no stray .env or setting is read. */
export function runConfab(
  args: string[],
  env: Record<string, string>,
  options: { cwd: string; stdin?: string },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'silent', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
