import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * Tests that run Confab as a real process (the CLI, crash and multi-node tests) run the compiled
 * code in dist/. Bring it up to date with the sources once per run: `tsc -b` is a no-op when
 * nothing changed. A type error fails the run here, with tsc's own report, rather than leaving
 * stale output in dist/ for those tests to run against.
 */
export default async function setup(): Promise<void> {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
  try {
    await promisify(execFile)(process.execPath, [tsc, '-b', 'packages/server', 'packages/client'], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`tsc -b packages/server packages/client failed; the tests would run stale code in dist/:\n${stdout}${stderr}`);
  }
}
