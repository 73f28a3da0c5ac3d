import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Child, REPO_ROOT, freePort, makeTempDir, removeTempDir } from './child-processes.js';
import { sleep } from './stats.js';

// ---- the Confab server under test ----

export interface ConfabProcess {
  child: Child;
  baseUrl: string;
  wsUrl: (accessToken: string) => string;
  dataDir: string;
  stop(): Promise<void>;
}

/** `env` adds to (or overrides) the defaults below: a shared DATABASE_URL, REDIS_URL, JWT_SECRET for a cluster node. */
export async function startConfab(
  onCrash: (error: Error) => void,
  nodeArgs: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<ConfabProcess> {
  const dataDir = makeTempDir('confab-bench-data-');
  const port = await freePort();
  const child = new Child(
    'confab server',
    [...nodeArgs, path.join(REPO_ROOT, 'packages/server/bin/confab.js'), 'serve'],
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      MAX_SOCKETS_PER_USER: '100',
      // The load generators are a few machines' worth of users on one address, sending far faster
      // than people type: the abuse limits (docs/security.md) would measure themselves, not Confab.
      // BENCH_RATE_LIMITS=on measures them (every limit at its default).
      RATE_LIMITS: process.env['BENCH_RATE_LIMITS'] === 'on' ? 'on' : 'off',
      // The upload phase sends 25 MiB files back to back: the default 1 GiB quota per user (issue 35)
      // would soon answer 413 and measure itself.
      UPLOAD_QUOTA_BYTES: '0',
      // The set-up registers users up front; their tokens must outlive the whole run.
      ACCESS_TOKEN_TTL_SECONDS: '86400',
      ...env,
    },
    onCrash,
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    // 90 s: a fresh MySQL/MariaDB database takes 10–25 s to migrate on a loaded machine (its DDL rebuilds
    // a table per added column), and nodes started together migrate one after the other.
    await waitForHealth(`${baseUrl}/healthz`, child, 90_000);
  } catch (error) {
    await child.stop();
    removeTempDir(dataDir);
    throw error;
  }
  return {
    child,
    baseUrl,
    dataDir,
    wsUrl: (token) => `ws://127.0.0.1:${port}/api/v1/ws?access_token=${encodeURIComponent(token)}`,
    async stop() {
      await child.stop();
      removeTempDir(dataDir);
    },
  };
}

export async function waitForHealth(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited during start-up:\n${child.output}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  throw new Error(`${child.name} did not answer ${url} with 200 within ${timeoutMs} ms:\n${child.output}`);
}

// ---- the bare ws broadcast server (baseline) ----

export interface BareWsProcess {
  child: Child;
  wsUrl: string;
  stop(): Promise<void>;
}

export async function startBareWs(onCrash: (error: Error) => void): Promise<BareWsProcess> {
  const port = await freePort();
  const child = new Child(
    'bare ws server',
    [fileURLToPath(new URL('./bare-ws-server.js', import.meta.url))],
    { PORT: String(port) },
    onCrash,
  );
  await untilListening(child);
  return { child, wsUrl: `ws://127.0.0.1:${port}/`, stop: () => child.stop(5000) };
}

/** Resolves once a helper server (bare ws, the Socket.IO peer) prints `listening`. */
export function untilListening(child: Child, timeoutMs = 10_000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${child.name} did not start:\n${child.output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      if (!chunk.toString().includes('listening')) return;
      clearTimeout(timer);
      child.process.stdout!.off('data', onData);
      resolve();
    };
    child.process.stdout!.on('data', onData);
    void child.exited.then(() => reject(new Error(`${child.name} exited during start-up:\n${child.output}`)));
  });
}
