import { parentPort } from 'node:worker_threads';
import { setPriority } from 'node:os';
import { fetchLinkCard } from './link-card.js';
import { type AddressCheck, type CheckedTarget, OutboundRefused } from './outbound-address-guard.js';
import type { CardReply, CheckReply, ThreadRequest } from './link-card-thread.js';

/**
 * The link-card thread (link-card-thread.ts): fetches pages and pictures and makes thumbnails
 * here, so their bytes never enter the event loop's heap. Every address is still checked by the
 * main thread's guard (asked over the port): the guard, its resolver and its policy stay in one place.
 */
const port = parentPort!;
// The page's parsing runs here; the event loop of the server comes first (Linux: per thread).
try {
  setPriority(10);
} catch {
  // Not permitted: the thread runs at the process's priority.
}

const fetches = new Map<number, AbortController>();
const checks = new Map<number, { resolve: (target: CheckedTarget) => void; reject: (error: Error) => void }>();
let nextCheck = 0;

const guard: AddressCheck = {
  check: (url, schemes) =>
    new Promise((resolve, reject) => {
      const callId = ++nextCheck;
      checks.set(callId, { resolve, reject });
      port.postMessage({ type: 'check', callId, url: url.href, schemes: [...schemes] });
    }),
};

port.on('message', (message: ThreadRequest) => {
  if (message.type === 'fetch') void fetchOne(message.id, message.url, message.limits);
  else if (message.type === 'cancel') fetches.get(message.id)?.abort();
  else answerCheck(message);
});

async function fetchOne(id: number, url: string, limits: { timeoutMs: number; maxBytes: number }): Promise<void> {
  const stop = new AbortController();
  fetches.set(id, stop);
  const card = await fetchLinkCard(new URL(url), guard, limits, stop.signal).catch(() => null);
  fetches.delete(id);
  // A copy of its own, so the whole buffer can move to the main thread (sharp's may be larger).
  const image = card?.image ? new Uint8Array(card.image) : null;
  const reply: CardReply = { type: 'card', id, card: card && { ...card, image } };
  port.postMessage(reply, image ? [image.buffer] : []);
}

function answerCheck(reply: CheckReply): void {
  const waiting = checks.get(reply.callId);
  if (!waiting) return;
  checks.delete(reply.callId);
  if ('target' in reply) waiting.resolve({ url: new URL(reply.target.url), address: reply.target.address, family: reply.target.family });
  else waiting.reject(new OutboundRefused(reply.refused.reason, reply.refused.message));
}
