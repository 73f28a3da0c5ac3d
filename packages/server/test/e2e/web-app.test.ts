import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { type TestServer, startServer } from '../harness.js';

/** A web build as Vite lays it out: index.html, hashed assets with their .br/.gz, a plain file. */
function fakeBuild(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'confab-web-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Confab</title><div id="root"></div>');
  const script = `console.log(${JSON.stringify('x'.repeat(4000))});`;
  writeFileSync(path.join(dir, 'assets', 'index-AbC123.js'), script);
  writeFileSync(path.join(dir, 'assets', 'index-AbC123.js.br'), brotliCompressSync(script));
  writeFileSync(path.join(dir, 'assets', 'index-AbC123.js.gz'), gzipSync(script));
  writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });

describe('serving the web app', () => {
  let server: TestServer;
  let webDir: string;
  beforeAll(async () => {
    webDir = fakeBuild();
    server = await startServer({ WEB_DIR: webDir });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('serves index.html at / revalidated on every use, under the content security policy', async () => {
    const response = await get(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await response.text()).toContain('<div id="root">');
  });

  it('serves hashed assets as immutable, precompressed with brotli or gzip as the browser accepts', async () => {
    const br = await get(`${server.url}/assets/index-AbC123.js`, { 'accept-encoding': 'br, gzip' });
    expect(br.status).toBe(200);
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(await br.text()).toContain('console.log'); // fetch decodes it

    const gz = await get(`${server.url}/assets/index-AbC123.js`, { 'accept-encoding': 'gzip' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(await gz.text()).toContain('console.log');

    const plain = await get(`${server.url}/assets/index-AbC123.js`, { 'accept-encoding': 'identity' });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toContain('console.log');
  });

  it('serves other files revalidated', async () => {
    const response = await get(`${server.url}/favicon.svg`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers a deep link with the app, so the app routes it', async () => {
    for (const pathname of ['/c/0190d6f8-0000-7000-8000-000000000000', '/settings/profile', '/sign-in?next=%2F']) {
      const response = await get(`${server.url}${pathname}`);
      expect(response.status, pathname).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('<div id="root">');
    }
  });

  it('keeps the API JSON: unknown API paths, missing files and other methods are 404s', async () => {
    for (const pathname of ['/api', '/api/v1/nothing-here', '/assets/index-gone.js', '/robots.txt']) {
      const response = await get(`${server.url}${pathname}`);
      expect(response.status, pathname).toBe(404);
      expect((await response.json()).error.code).toBe('not_found');
    }
    const post = await fetch(`${server.url}/c/some-conversation`, { method: 'POST' });
    expect(post.status).toBe(404);
    const api = await get(`${server.url}/api/v1/users/me`);
    expect(api.status).toBe(401);
  });
});

describe('WEB_DIR', () => {
  it('refuses a directory without a build, naming it', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'confab-web-empty-'));
    try {
      expect(() => loadConfig({ WEB_DIR: empty })).toThrow(ConfigError);
      expect(() => loadConfig({ WEB_DIR: empty })).toThrow(/WEB_DIR: .*has no index\.html/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('serves the API alone when off', async () => {
    const server = await startServer({ WEB_DIR: 'off' });
    try {
      const response = await get(`${server.url}/`);
      expect(response.status).toBe(404);
      expect((await response.json()).error.code).toBe('not_found');
    } finally {
      await server.close();
    }
  });
});
