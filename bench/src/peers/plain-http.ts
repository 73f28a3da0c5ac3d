/** The two JSON helpers a hand-written `node:http` server has, shared by the peer and the floors. */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Idle keep-alive connections live as long as Fastify's default (72 s), Confab's. Node's own 5 s
 * closes connections the generator left idle between levels just as it reuses them (ECONNRESET:
 * more often on a server whose event loop is held by each commit's flush).
 */
export function keepIdleConnections(http: Server): void {
  http.keepAliveTimeout = 72_000;
}

/** The request's body, parsed as JSON. */
export function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

/** Answers `status` with `body` as JSON. */
export function answer(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
