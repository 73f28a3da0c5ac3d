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
      res.setHeader('cache-control', relative.startsWith('assets/') ? IMMUTABLE : REVALIDATE);
      // The .br/.gz chosen by Accept-Encoding: caches must keep one copy per encoding.
      res.setHeader('vary', 'accept-encoding');
    },
  });
}

/** Paths the server answers itself, never the app: when their route is off (API_DOCS=false), they are a 404. */
const SERVER_PATHS = ['/api', '/docs', '/metrics', '/healthz', '/readyz'];

/** Whether a request that matched no route is a page of the app: a GET or HEAD outside the server's paths whose last segment is not a file name. */
export function isAppPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const pathname = request.url.split('?')[0] ?? '/';
  if (SERVER_PATHS.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`))) return false;
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  // A missing /assets/x.js is a 404, not the page: a stale tab must not run HTML as a script.
  return !/\.[A-Za-z0-9]+$/.test(last);
}

/** The app's page for a deep link, revalidated like index.html itself. */
export function sendAppPage(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', REVALIDATE).sendFile('index.html');
}
