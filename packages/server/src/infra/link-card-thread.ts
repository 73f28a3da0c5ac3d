import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LinkCard, LinkCardLimits } from './link-card.js';
import { type AddressCheck, OutboundRefused } from './outbound-address-guard.js';

/** What the main thread asks the link-card thread. */
export type ThreadRequest =
  { type: 'fetch'; id: number; url: string; limits: LinkCardLimits } | { type: 'cancel'; id: number } | CheckReply;
/** The guard's answer to the thread's `check`. */
export type CheckReply =
  | { type: 'checked'; callId: number; target: { url: string; address: string; family: 4 | 6 } }
  | { type: 'checked'; callId: number; refused: { reason: OutboundRefused['reason']; message: string } };
/** What the thread tells the main thread. */
type ThreadMessage = CardReply | { type: 'check'; callId: number; url: string; schemes: string[] };
export type CardReply = { type: 'card'; id: number; card: (Omit<LinkCard, 'image'> & { image: Uint8Array | null }) | null };

/**
 * Link cards made on a thread of their own (link-card-worker.ts). A picture of up to
 * LINK_PREVIEW_MAX_BYTES read on the event loop's heap made V8 collect the old space every few
 * hundred milliseconds at 20 links a second, and the acks of sends waited behind each collection
 * (bench/preview-ack-cost.mjs: ack p99 32 ms against 9 ms without links, 2026-11-26). The thread
 * has its own heap; only the card and its small thumbnail come back. Started on the first fetch;
 * a thread that dies fails the fetches in flight (no card) and the next fetch starts another.
 */
export class LinkCardThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, (card: LinkCard | null) => void>();

  constructor(
    private readonly guard: AddressCheck,
    private readonly limits: LinkCardLimits,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** The card of `url`, or null (no card, refused, out of time, or `signal` ended it). */
  fetch(url: URL, signal: AbortSignal): Promise<LinkCard | null> {
    if (signal.aborted) return Promise.resolve(null);
    const worker = this.start();
    const id = ++this.nextId;
    return new Promise((resolve) => {
      const onAbort = () => {
        worker.postMessage({ type: 'cancel', id } satisfies ThreadRequest);
        settle(null);
      };
      const settle = (card: LinkCard | null) => {
        if (!this.pending.delete(id)) return;
        signal.removeEventListener('abort', onAbort);
        resolve(card);
      };
      this.pending.set(id, settle);
      signal.addEventListener('abort', onAbort, { once: true });
      const { timeoutMs, maxBytes } = this.limits;
      worker.postMessage({ type: 'fetch', id, url: url.href, limits: { timeoutMs, maxBytes } } satisfies ThreadRequest);
    });
  }

  /** Ends the thread; fetches in flight have no card. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failPending();
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerFile());
    worker.on('message', (message: ThreadMessage) => this.received(worker, message));
    worker.on('error', (error) => this.onError(error));
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failPending();
    });
    this.worker = worker;
    return worker;
  }

  private received(worker: Worker, message: ThreadMessage): void {
    if (message.type === 'card') {
      const card = message.card && { ...message.card, image: message.card.image && Buffer.from(message.card.image.buffer) };
      this.pending.get(message.id)?.(card);
      return;
    }
    const { callId } = message;
    this.guard.check(new URL(message.url), message.schemes).then(
      (target) => {
        worker.postMessage({
          type: 'checked',
          callId,
          target: { url: target.url.href, address: target.address, family: target.family },
        } satisfies ThreadRequest);
      },
      (error: unknown) => {
        const refused =
          error instanceof OutboundRefused
            ? { reason: error.reason, message: error.message }
            : { reason: 'unresolvable' as const, message: String(error) };
        worker.postMessage({ type: 'checked', callId, refused } satisfies ThreadRequest);
      },
    );
  }

  private failPending(): void {
    for (const settle of [...this.pending.values()]) settle(null);
  }
}

/**
 * The compiled worker beside this module; when the sources run (vitest), dist's, which the tests'
 * global set-up builds first (a worker thread cannot load TypeScript).
 */
function workerFile(): URL {
  const beside = new URL('./link-card-worker.js', import.meta.url);
  return existsSync(fileURLToPath(beside)) ? beside : new URL('../../dist/infra/link-card-worker.js', import.meta.url);
}
