import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** What the main thread asks the search-token thread: the tokens of these bodies. */
export interface TokenRequest {
  id: number;
  bodies: string[];
}
/** Its answer: each body's tokens, space-separated as the FTS5 index takes them, in order. */
export type TokenReply = { id: number; tokens: string[] } | { id: number; error: string };

/**
 * SQLite's search tokens made on a thread of their own (search-token-worker.ts), for the search
 * indexer (sqlite/search-notes.ts): a message's tokens cost 30–160 µs of JavaScript (language
 * detection, stemming, segmentation), which a send paid on the event loop inside its write
 * transaction until decision 0046. Started on first use and unreferenced (an idle thread keeps no
 * process alive); one thread for the process, whatever the number of stores. A thread that dies
 * fails the requests in flight (the indexer's step fails, its notes stay, it tries again) and
 * the next request starts another.
 */
export class SearchTokenThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (tokens: string[]) => void; reject: (error: Error) => void }>();

  /** Each body's tokens, as `indexTokens(body).join(' ')` makes them. */
  tokens(bodies: string[]): Promise<string[]> {
    if (bodies.length === 0) return Promise.resolve([]);
    const worker = this.start();
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Referenced while it owes an answer: a caller awaiting it keeps the process alive.
      worker.ref();
      worker.postMessage({ id, bodies } satisfies TokenRequest);
    });
  }

  /** Ends the thread; requests in flight fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failPending(new Error('the search-token thread was closed'));
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerFile());
    worker.unref();
    worker.on('message', (reply: TokenReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if ('error' in reply) waiting.reject(new Error(`search tokens: ${reply.error}`));
      else waiting.resolve(reply.tokens);
    });
    worker.on('error', (error) => this.failPending(error));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failPending(new Error(`the search-token thread exited (code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private failPending(error: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of waiting) reject(error);
  }
}

/** The process's one search-token thread. */
export const searchTokenThread = new SearchTokenThread();

/**
 * The compiled worker beside this module; when the sources run (vitest), dist's, which the tests'
 * global set-up builds first (a worker thread cannot load TypeScript).
 */
function workerFile(): URL {
  const beside = new URL('./search-token-worker.js', import.meta.url);
  return existsSync(fileURLToPath(beside)) ? beside : new URL('../../dist/store/search-token-worker.js', import.meta.url);
}
