import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type * as WorkerThreads from 'node:worker_threads';
import type * as Argon2 from '@node-rs/argon2';

/**
 * argon2id on threads of its own, at a lower CPU priority than the event loop (nice, Linux). A
 * sign-in costs tens of milliseconds of CPU by design; on libuv's pool (where @node-rs/argon2's
 * async calls run) 50 sign-ins a second took both cores of a small machine from the event loop
 * and raised live delivery's p99 by about 40 ms. Niced, the kernel runs the event loop first and
 * hashing takes the CPU left over: on a saturated machine sign-ins wait, conversations do not.
 * (Nice 19 starves them outright: 20 ms hashes took over a second beside four busy processes.)
 *
 * The workers start on first use and hold the process open only while a hash is being made, so
 * a command-line run exits when it is done and a test needs no teardown.
 */
/** `ARGON2_THREAD_NICE`'s default: the event loop first, yet sign-ins not starved on a busy machine. */
export const DEFAULT_HASHING_NICE = 10;

export class PasswordThreads {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; owner: number }>();
  private nextId = 1;

  constructor(
    /** CPU priority of the threads, 0 (as the event loop) to 19 (only what is left over). */
    private readonly nice = DEFAULT_HASHING_NICE,
    private readonly size = Math.max(1, Math.min(4, availableParallelism())),
  ) {}

  hash(password: string, options: Argon2.Options): Promise<string> {
    return this.run('hash', [password, options]) as Promise<string>;
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return this.run('verify', [passwordHash, password]) as Promise<boolean>;
  }

  private run(op: 'hash' | 'verify', args: unknown[]): Promise<unknown> {
    const index = this.leastBusy();
    const slot = this.workers[index]!;
    const id = this.nextId++;
    slot.busy += 1;
    slot.worker.ref();
    slot.worker.postMessage({ id, op, args });
    return new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject, owner: index }));
  }

  /** The worker with the fewest hashes queued, started if the pool is not full yet. */
  private leastBusy(): number {
    const idle = this.workers.findIndex((w) => w.busy === 0);
    if (idle >= 0) return idle;
    if (this.workers.length < this.size) return this.start();
    let best = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.workers[i]!.busy < this.workers[best]!.busy) best = i;
    return best;
  }

  private start(): number {
    const index = this.workers.length;
    // Sent as source, like the WAL checkpointer: the same from the TypeScript sources and the build.
    const worker = new Worker(`(${hashingThread.toString()})()`, {
      eval: true,
      workerData: { argon2: createRequire(import.meta.url).resolve('@node-rs/argon2'), nice: this.nice },
    });
    worker.unref();
    worker.on('message', (reply: { id: number; result?: unknown; error?: string }) => this.settle(reply));
    worker.on('error', (error) => this.failAll(index, error));
    this.workers.push({ worker, busy: 0 });
    return index;
  }

  private settle({ id, result, error }: { id: number; result?: unknown; error?: string }): void {
    const job = this.waiting.get(id);
    if (!job) return;
    this.waiting.delete(id);
    this.release(job.owner);
    if (error === undefined) job.resolve(result);
    else job.reject(new Error(error));
  }

  /** A worker that died fails what it held; the next call starts a new one in its place. */
  private failAll(index: number, error: Error): void {
    for (const [id, job] of this.waiting) {
      if (job.owner !== index) continue;
      this.waiting.delete(id);
      job.reject(error);
    }
    const slot = this.workers[index]!;
    slot.worker.unref();
    this.workers.splice(index, 1);
    // Jobs of later workers now sit one index lower.
    for (const job of this.waiting.values()) if (job.owner > index) job.owner -= 1;
  }

  private release(index: number): void {
    const slot = this.workers[index]!;
    slot.busy -= 1;
    if (slot.busy === 0) slot.worker.unref();
  }
}

/** Runs inside each worker (plain JavaScript once compiled; it may use only what it requires itself). */
function hashingThread(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parentPort, workerData } = require('node:worker_threads') as typeof WorkerThreads;
  const data = workerData as { argon2: string; nice: number };
  const argon2 = require(data.argon2) as typeof Argon2;
  try {
    // This thread's own id (Linux): /proc/thread-self names it; nice is per thread there.
    const tid = Number(String(require('node:fs').readlinkSync('/proc/thread-self')).split('/').pop());
    if (data.nice !== 0) require('node:os').setPriority(tid, data.nice);
  } catch {
    // Not Linux, or not allowed: hashing still runs off the event loop, at normal priority.
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  parentPort!.on('message', ({ id, op, args }: { id: number; op: 'hash' | 'verify'; args: [string, never] }) => {
    try {
      const result = op === 'hash' ? argon2.hashSync(args[0], args[1]) : argon2.verifySync(args[0], args[1]);
      parentPort!.postMessage({ id, result });
    } catch (error) {
      parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
    }
  });
}
