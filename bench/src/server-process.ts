import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MachineCpu, clkTck, machineCpuMeter } from './machine-cpu.js';
import { sleep } from './stats.js';

/** The repository root (bench/dist/… → ../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

// ---- everything this process starts is tracked here, and removed whatever happens ----

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** Last-resort cleanup, safe in an 'exit' handler: kills our children, removes our temp dirs. */
export function cleanupSync(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}
process.on('exit', cleanupSync);

/** A child process of the benchmark: its output tail is kept for error reports. */
export class Child {
  readonly process: ChildProcess;
  private tail = '';
  private stopping = false;
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    args: string[],
    env: Record<string, string>,
    /** Called if the child dies while not being stopped: the run cannot go on. */
    onCrash: (error: Error) => void,
    /** The program; Node by default (`args` then start with the script). */
    command: string = process.execPath,
  ) {
    this.process = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      // stdin stays open as a lifeline: the bare ws server exits when it closes.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.add(this.process);
    const keep = (chunk: Buffer) => {
      this.tail = (this.tail + chunk.toString('utf8')).slice(-4000);
    };
    this.process.stdout!.on('data', keep);
    this.process.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => {
        children.delete(this.process);
        if (!this.stopping) onCrash(new Error(`${name} exited unexpectedly (code ${code}, signal ${signal})\n${this.tail}`));
        resolve();
      });
    });
  }

  get pid(): number {
    return this.process.pid!;
  }

  get output(): string {
    return this.tail;
  }

  /** Sends `signal` as an expected end (a fault being played): the exit is not a crash. */
  signal(signal: NodeJS.Signals): void {
    this.stopping = true;
    this.process.kill(signal);
  }

  /** SIGTERM (the server drains and exits), then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.stopping = true;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

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

// ---- CPU accounting ----

/** User + system CPU seconds of another process (Linux /proc); null where unavailable. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ", field 3 (state) is index 0: utime (14) is 11, stime (15) is 12.
    return (Number(fields[11]) + Number(fields[12])) / clkTck();
  } catch {
    return null;
  }
}

export interface CpuUse {
  /** Percent of one core over the measured interval (100 = one core saturated). */
  loadGeneratorPct: number;
  /** The server under test (Confab or the bare ws server); null where it could not be read. */
  serverPct: number | null;
}

/** Measures the CPU used by this process and by the server process between start and stop. */
export function cpuMeter(server?: Child): { stop(): CpuUse } {
  const wall0 = performance.now();
  const self0 = process.cpuUsage();
  const server0 = server ? processCpuSeconds(server.pid) : null;
  return {
    stop() {
      const wall = (performance.now() - wall0) / 1000;
      const self = process.cpuUsage(self0);
      const server1 = server ? processCpuSeconds(server.pid) : null;
      return {
        loadGeneratorPct: pct((self.user + self.system) / 1e6, wall),
        serverPct: server0 === null || server1 === null ? null : pct(server1 - server0, wall),
      };
    },
  };
}

const pct = (cpuSeconds: number, wallSeconds: number) => Math.round((1000 * cpuSeconds) / wallSeconds) / 10;

// ---- the server's own counters (GET /metrics) ----

export interface ServerCounters {
  messagesStored: number;
  commitBatches: number;
  framesDelivered: number;
  /** Gaps in a socket's live events filled from the log, and closed by the bus while they waited. */
  gapFills: number;
  gapsClosedByBus: number;
}

export async function readCounters(baseUrl: string): Promise<ServerCounters | null> {
  try {
    const text = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    const value = (name: string) => {
      const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
      return match ? Number(match[1]) : NaN;
    };
    return {
      messagesStored: value('confab_messages_stored_total'),
      commitBatches: value('confab_commit_batches_total'),
      framesDelivered: value('confab_ws_frames_delivered_total'),
      gapFills: value('confab_ws_gap_fills_total'),
      gapsClosedByBus: value('confab_ws_gaps_closed_by_bus_total'),
    };
  } catch {
    return null;
  }
}

/**
 * Waits until the server has written no frame to any socket for `quietMs`: the presence
 * announcements of a thousand users coming online must not be measured as fan-out.
 */
export async function untilQuiet(baseUrl: string, quietMs = 500, maxMs = 60_000): Promise<void> {
  const deadline = performance.now() + maxMs;
  let last = (await readCounters(baseUrl))?.framesDelivered;
  let quietSince = performance.now();
  while (performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = (await readCounters(baseUrl))?.framesDelivered;
    if (now !== last) {
      last = now;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= quietMs) return;
  }
}

export function counterDelta(before: ServerCounters | null, after: ServerCounters | null): ServerCounters | null {
  if (!before || !after) return null;
  return {
    messagesStored: after.messagesStored - before.messagesStored,
    commitBatches: after.commitBatches - before.commitBatches,
    framesDelivered: after.framesDelivered - before.framesDelivered,
    gapFills: after.gapFills - before.gapFills,
    gapsClosedByBus: after.gapsClosedByBus - before.gapsClosedByBus,
  };
}

// ---- one measurement window: CPU of every process, and the server's counters ----

export interface Resources {
  cpu: CpuUse;
  /**
   * Deltas over the window, the mean group-commit batch, and the messages already stored when the
   * window began (the idempotency lookup's cost grows with it); null without a Confab server.
   */
  server: (ServerCounters & { meanBatch: number | null; storedBefore: number }) | null;
  /**
   * The whole machine's CPU by kind of process: `server` and `load generator` (one server), or
   * the nodes, PostgreSQL and Redis (the scale-out comparison).
   */
  machine?: MachineCpu | null;
}

export interface Measurement {
  stop(): Promise<Resources>;
}

/** A window over one server: its CPU and the generator's, its counters, and (unless `machine` is false) the machine's CPU. */
export async function startMeasurement(server: Child, confabBaseUrl?: string, { machine = true } = {}): Promise<Measurement> {
  const before = confabBaseUrl ? await readCounters(confabBaseUrl) : null;
  const cpu = cpuMeter(server);
  const box = machine
    ? machineCpuMeter((pid) => (pid === server.pid ? 'server' : pid === process.pid ? 'load generator' : undefined))
    : null;
  return {
    async stop() {
      const cpuUse = cpu.stop();
      const machineCpu = box?.stop();
      const delta = confabBaseUrl ? counterDelta(before, await readCounters(confabBaseUrl)) : null;
      return {
        cpu: cpuUse,
        server: delta && {
          ...delta,
          storedBefore: before!.messagesStored,
          meanBatch: delta.commitBatches > 0 ? Math.round((10 * delta.messagesStored) / delta.commitBatches) / 10 : null,
        },
        ...(machineCpu === undefined ? {} : { machine: machineCpu }),
      };
    },
  };
}
