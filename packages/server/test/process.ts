import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Every test client comes from 127.0.0.1, so one address plays thousands of people: the per-address
 * limits are lifted unless a test sets them (rate-limits.test.ts does). The per-user and per-socket
 * limits stay at their defaults, which the suite must never meet.
 */
export const TEST_ADDRESS_LIMITS: Record<string, string> = { RATE_LIMIT_REGISTER_IP: '0', RATE_LIMIT_LOGIN_IP: '0' };

/**
 * A test server's SQLite log is not given its working size at start: ~80 MB of zeros written for
 * each of the hundreds of servers a run starts (wal-reserve.test.ts and the bench's servers keep it).
 */
export const TEST_STORE_SETTINGS: Record<string, string> = { SQLITE_WAL_RESERVE: 'false' };

/**
 * A test server's drain closes its idle connections as soon as every request is answered: no
 * proxy is choosing it, and the quiet spell would add half a second to each of hundreds of
 * closes (shutdown.test.ts checks the default).
 */
export const TEST_SHUTDOWN_SETTINGS: Record<string, string> = { SHUTDOWN_QUIET_MS: '0' };

const BIN = fileURLToPath(new URL('../bin/confab.js', import.meta.url));

/** A free TCP port on loopback, so a restarted server can come back at the same address. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  output(): string;
}

/** Runs `confab serve` as its own process (compiled code; see global-setup.ts) and waits until it serves. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd: env['DATA_DIR'],
    env: {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...TEST_ADDRESS_LIMITS,
      ...TEST_STORE_SETTINGS,
      ...TEST_SHUTDOWN_SETTINGS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    // Generous: under a full parallel test run several processes start on 2 cores at once.
    const timer = setTimeout(() => reject(new Error(`the server did not start within 45 s:\n${output}`)), 45_000);
    const onData = () => {
      const match = /serving on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before serving:\n${output}`));
    });
  });
  return { url, child, exited, output: () => output };
}

/**
 * The environment of a server process that can be killed and started again on the same data:
 * a fresh data directory and a fixed free port. `cleanup` (for afterEach) kills whatever
 * process `current()` names, then removes the directory.
 */
export async function processSandbox(prefix: string, env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), `confab-${prefix}-`));
  let current: ServerProcess | undefined;
  return {
    env: { DATA_DIR: dataDir, PORT: String(await freePort()), ...env },
    async start(): Promise<ServerProcess> {
      current = await startServerProcess(this.env);
      return current;
    },
    cleanup(): void {
      current?.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
