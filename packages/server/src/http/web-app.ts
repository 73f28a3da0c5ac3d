import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';

/** Hashed file names (Vite's `assets/`) never change content: browsers keep them a year without asking. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else (index.html, the service worker, icons): kept, but revalidated on every use. */
const REVALIDATE = 'no-cache';

/**
 * Serves the built web app (WEB_DIR) from this process and port: its files with caching headers,
 * the `.br`/`.gz` the build wrote beside each when the browser accepts them, and index.html for
 * any other GET that is not the API's (deep links such as /c/<id> load the app, which routes).
 * One route per file (`wildcard: false`), so unknown paths still reach the not-found handler
 * and other methods keep their 404/405 answers.
 */
export async function serveWebApp(app: FastifyInstance, webDir: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: webDir,
    wildcard: false,
    preCompressed: true,
    cacheControl: false,
    etag: true,
    lastModified: true,
    setHeaders(res, file) {
      const relative = path.relative(webDir, file).split(path.sep).join('/');
      // Version 10 hands over the reply itself, whose method is `header` (its types still say `setHeader`).
      (res as unknown as FastifyReply).header('cache-control', relative.startsWith('assets/') ? IMMUTABLE : REVALIDATE);
    },
  });
}

/** Whether a request that matched no route is a page of the app: a GET or HEAD outside /api whose last segment is not a file name. */
export function isAppPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const pathname = request.url.split('?')[0] ?? '/';
  if (pathname === '/api' || pathname.startsWith('/api/')) return false;
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  // A missing /assets/x.js is a 404, not the page: a stale tab must not run HTML as a script.
  return !/\.[A-Za-z0-9]+$/.test(last);
}

/** The app's page for a deep link, revalidated like index.html itself. */
export function sendAppPage(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', REVALIDATE).sendFile('index.html');
}
