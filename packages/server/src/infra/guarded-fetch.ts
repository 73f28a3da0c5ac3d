import http from 'node:http';
import https from 'node:https';
import { type AddressCheck, type CheckedTarget, pinnedLookup } from './outbound-address-guard.js';

/** How a guarded GET may go: where, how long, how much. */
export interface GuardedFetchOptions {
  guard: AddressCheck;
  /** Ends the whole fetch, redirects included (one deadline, not one per hop). */
  signal: AbortSignal;
  /** Bytes of body read at most; the connection is closed there. */
  maxBytes: number;
  /** Redirects followed at most; one more is a failure. */
  maxRedirects: number;
  /** The Accept header. */
  accept: string;
}

export interface FetchedBody {
  /** Where the body came from, after redirects. */
  url: URL;
  status: number;
  /** The Content-Type header, lower case, or '' without one. */
  contentType: string;
  body: Buffer;
  /** The body went on past `maxBytes`: `body` is its first `maxBytes` bytes. */
  truncated: boolean;
}

export class FetchFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FetchFailed';
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * A GET on a user's say-so (link previews). Redirects are followed by hand, and every hop's host
 * is resolved and checked by the guard, then connected to at the address checked (no second DNS
 * answer can move it); `OutboundRefused` is thrown for a hop that must not be reached. The body is
 * read up to `maxBytes` and the connection cut there, so an endless stream costs at most that
 * much; `signal` bounds the time, a slow drip included. No cookies, no credentials, no keep-alive.
 */
export async function guardedGet(start: URL, options: GuardedFetchOptions): Promise<FetchedBody> {
  let url = start;
  for (let hop = 0; ; hop++) {
    options.signal.throwIfAborted();
    const target = await options.guard.check(url, ['https:', 'http:']);
    const response = await request(target, options);
    const location = response.headers.location;
    if (REDIRECTS.has(response.statusCode ?? 0) && location !== undefined) {
      response.destroy();
      if (hop >= options.maxRedirects) throw new FetchFailed(`more than ${String(options.maxRedirects)} redirects`);
      try {
        url = new URL(location, url);
      } catch {
        throw new FetchFailed('a redirect to an invalid URL');
      }
      continue;
    }
    const { body, truncated } = await readAtMost(response, options.maxBytes, options.signal);
    return {
      url,
      status: response.statusCode ?? 0,
      contentType: (response.headers['content-type'] ?? '').toLowerCase(),
      body,
      truncated,
    };
  }
}

function request(target: CheckedTarget, options: GuardedFetchOptions): Promise<http.IncomingMessage> {
  const send = target.url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = send(
      target.url,
      {
        method: 'GET',
        headers: { accept: options.accept, 'user-agent': 'ConfabLinkPreview/1.0', 'accept-encoding': 'identity' },
        lookup: pinnedLookup(target),
        agent: false,
        signal: options.signal,
      },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}

/** The body up to `max` bytes; past it the response is destroyed (the rest never read). */
function readAtMost(response: http.IncomingMessage, max: number, signal: AbortSignal): Promise<{ body: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onAbort = () => {
      response.destroy();
      reject(signal.reason instanceof Error ? signal.reason : new FetchFailed('aborted'));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    const done = (truncated: boolean) => {
      signal.removeEventListener('abort', onAbort);
      resolve({ body: Buffer.concat(chunks).subarray(0, max), truncated });
    };
    response.on('data', (chunk: Buffer) => {
      total += chunk.length;
      chunks.push(chunk);
      if (total > max) {
        response.destroy();
        done(true);
      }
    });
    response.on('end', () => done(false));
    response.on('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(error);
    });
  });
}
