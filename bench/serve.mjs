/**
 * `confab serve` for the one-file benches (preview-ack-cost.mjs, scheduled-lateness.mjs): started
 * as `npm start` starts it (SQLite in a fresh data directory, on a free port of 127.0.0.1, rate
 * limits off so the bench measures the server and not its limiter), ready once `/readyz` answers
 * 200, and stopped with SIGTERM (a graceful shutdown) before its data directory is removed.
 * The TypeScript benches (bench/src) start their servers with server-process.ts instead.
 * `SERVE_NODE_ARGS` passes flags to the server's node (`--cpu-prof --cpu-prof-dir=/tmp/p`, `--trace-gc`):
 * how the link previews' collections were found.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** This checkout's CLI (after `npm run build`). */
export const CONFAB_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../packages/server/bin/confab.js');

const READY_TIMEOUT_MS = 30_000;

/** Whether /readyz answers 200 (a refused connection is not ready yet). */
const isReady = (url) =>
  fetch(`${url}/readyz`).then(
    (r) => r.ok,
    () => false,
  );

const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

/**
 * Starts a server and resolves once it is ready: `{ port, url, stop }`, `stop()` resolving once it
 * has exited and its data is gone. `env` adds to (or overrides) the settings above; `bin` is
 * another build's `bin/confab.js`, to compare two builds.
 */
export async function startConfab({ env = {}, bin = CONFAB_BIN, tempPrefix = 'confab-bench-' } = {}) {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), tempPrefix));
  const child = spawn(process.execPath, [...(process.env.SERVE_NODE_ARGS ? process.env.SERVE_NODE_ARGS.split(' ') : []), bin, 'serve'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', RATE_LIMITS: 'off', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await isReady(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(child.exitCode !== null ? `confab serve exited ${child.exitCode} before it was ready` : 'the server did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, url, stop };
}
