import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** Leaves `dir` in place at exit (`--grow-keep`): the exit handler removes only what is still ours. */
export function keepTempDir(dir: string): void {
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
