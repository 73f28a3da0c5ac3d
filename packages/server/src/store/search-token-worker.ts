import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { indexTokens } from './search-tokens.js';
import type { TokenReply, TokenRequest } from './search-token-thread.js';

/**
 * The search-token thread (search-token-thread.ts): turns noted messages' bodies into their index
 * tokens here, off the event loop.
 */
const port = parentPort!;
// Indexing can wait; the server's event loop comes first (Linux: per thread).
try {
  setPriority(10);
} catch {
  // Not permitted: the thread runs at the process's priority.
}

port.on('message', ({ id, bodies }: TokenRequest) => {
  try {
    port.postMessage({ id, tokens: bodies.map((body) => indexTokens(body).join(' ')) } satisfies TokenReply);
  } catch (error) {
    port.postMessage({ id, error: String(error) } satisfies TokenReply);
  }
});
