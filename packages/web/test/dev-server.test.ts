import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ViteDevServer, createServer } from 'vite';

/** `npm run dev` (Vite's dev server) serves the service worker at /sw.js, as the production build does. */
describe('the Vite dev server', () => {
  let server: ViteDevServer;
  let url: string;
  beforeAll(async () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    server = await createServer({
      root,
      configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
      logLevel: 'silent',
      server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
    });
    await server.listen();
    const address = server.httpServer!.address() as AddressInfo;
    url = `http://127.0.0.1:${address.port}`;
  }, 60_000);
  afterAll(async () => server?.close());

  it('serves /sw.js as one classic script with the push and click handlers', async () => {
    const response = await fetch(`${url}/sw.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const code = await response.text();
    expect(code).toMatch(/addEventListener\(["']push["']/);
    expect(code).toMatch(/addEventListener\(["']notificationclick["']/);
    // A classic worker script: it parses as a function body, which an `import` statement would not.
    expect(() => new Function(code)).not.toThrow();
  }, 60_000);

  it('still serves the app itself', async () => {
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<div id="root">');
  });
});
