import { once } from 'node:events';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type TestServer, api, registerUser, startServer } from '../harness.js';
import { expectError } from '../factories.js';

describe('HTTP errors and limits', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ BODY_LIMIT_BYTES: '1024' });
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** A signed-in user and the path of a direct conversation of theirs. */
  async function member() {
    const [user, other] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const dm = await user.client.openDirect(other.id);
    return { user, messages: `/api/v1/conversations/${dm.id}/messages` };
  }

  describe('401: not signed in', () => {
    it('answers every signed-in route without a token with unauthenticated', async () => {
      // Every operation the OpenAPI document marks as needing the bearer token, so a new route is covered too.
      const doc = (await api(t.url, 'GET', '/api/openapi.json')).body as {
        paths: Record<string, Record<string, { security?: unknown[] }>>;
      };
      const routes = Object.entries(doc.paths).flatMap(([path, operations]) =>
        Object.entries(operations)
          .filter(([, operation]) => (operation.security ?? []).length > 0)
          .map(([method]) => [method.toUpperCase(), path.replace(/\{[^}]+\}/g, 'x')] as const),
      );
      expect(routes.length).toBeGreaterThanOrEqual(22);
      for (const [method, path] of routes) {
        const res = await api(t.url, method, path, method === 'GET' || method === 'DELETE' ? {} : { body: {} });
        expectError(res, 401, 'unauthenticated');
      }
    });
  });

  describe('400: bad requests', () => {
    it('answers malformed JSON with malformed_json', async () => {
      const { user, messages } = await member();
      for (const rawBody of ['{"clientId": "k", "body": ', 'not json at all', '{"a":1}}']) {
        expectError(await api(t.url, 'POST', messages, { token: user.token, rawBody }), 400, 'malformed_json');
      }
      expectError(await api(t.url, 'POST', '/api/v1/auth/login', { rawBody: '{' }), 400, 'malformed_json');
    });

    it('answers an empty JSON body with malformed_json', async () => {
      const { user, messages } = await member();
      expectError(await api(t.url, 'POST', messages, { token: user.token, rawBody: '' }), 400, 'malformed_json');
    });

    it('rejects unknown fields instead of dropping them, naming the field', async () => {
      const { user, messages } = await member();
      const res = await api(t.url, 'POST', messages, { token: user.token, body: { clientId: 'k', body: 'hi', senderId: 'someone-else' } });
      expectError(res, 400, 'validation_failed');
      expect(res.body.error.details).toEqual([
        expect.objectContaining({ path: '/body/senderId', params: { additionalProperty: 'senderId' } }),
      ]);
      expect((await user.client.history(messages.split('/')[4]!)).items).toEqual([]);
      expectError(await api(t.url, 'GET', `${messages}?limit=5&page=2`, { token: user.token }), 400, 'validation_failed');
    });

    it('does not coerce body types: "5" is not a number, "true" is not a boolean', async () => {
      const { user, messages } = await member();
      const read = messages.replace(/messages$/, 'read');
      expectError(await api(t.url, 'POST', read, { token: user.token, body: { seq: '5' } }), 400, 'validation_failed');
      expectError(await api(t.url, 'POST', messages, { token: user.token, body: { clientId: 5, body: 'x' } }), 400, 'validation_failed');
      expectError(await api(t.url, 'POST', messages, { token: user.token, body: ['clientId', 'body'] }), 400, 'validation_failed');
    });

    it('answers a URL the router cannot read (bad percent-encoding, an over-long id) in the same envelope', async () => {
      const { user } = await member();
      for (const path of ['/api/v1/users/%zz', '/api/v1/conversations/%E0%A4%A/messages', `/api/v1/conversations/${'x'.repeat(300)}`]) {
        expectError(await api(t.url, 'GET', path, { token: user.token }), 400, 'validation_failed');
      }
      expectError(await api(t.url, 'GET', `/api/v1/conversations/${'x'.repeat(65)}`, { token: user.token }), 400, 'validation_failed');
    });

    it('answers a body that is not JSON with 415', async () => {
      const { user, messages } = await member();
      const res = await api(t.url, 'POST', messages, {
        token: user.token,
        rawBody: '<message/>',
        headers: { 'content-type': 'application/xml' },
      });
      expectError(res, 415, 'unsupported_media_type');
    });
  });

  describe("the framework's own answers, in the envelope", () => {
    it('answers a wrong method on an existing path with 405 method_not_allowed and Allow', async () => {
      const { user, messages } = await member();
      const cases: [method: string, path: string, allow: string][] = [
        ['PUT', '/api/v1/users/me', 'GET, HEAD, PATCH, DELETE'],
        ['DELETE', messages, 'GET, HEAD, POST'],
        ['POST', '/healthz', 'GET, HEAD'],
        ['PATCH', '/api/v1/auth/login', 'POST'],
      ];
      for (const [method, path, allow] of cases) {
        const res = await fetch(t.url + path, { method, headers: { authorization: `Bearer ${user.token}` } });
        const body = await res.json();
        expectError({ status: res.status, body }, 405, 'method_not_allowed');
        expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
      }
      expectError(await api(t.url, 'PUT', '/api/v1/nothing-here'), 404, 'not_found');
    });

    it('answers a text/plain body with 415 unsupported_media_type, storing nothing', async () => {
      const { user, messages } = await member();
      const plain = { 'content-type': 'text/plain' };
      expectError(
        await api(t.url, 'POST', messages, { token: user.token, rawBody: 'hello', headers: plain }),
        415,
        'unsupported_media_type',
      );
      const login = await api(t.url, 'POST', '/api/v1/auth/login', { rawBody: '{"username":"a","password":"b"}', headers: plain });
      expectError(login, 415, 'unsupported_media_type');
      expect((await user.client.history(messages.split('/')[4]!)).items).toEqual([]);
    });

    it('answers headers over the limit with 431 headers_too_large in JSON', async () => {
      const res = await fetch(`${t.url}/healthz`, { headers: { 'x-padding': 'x'.repeat(20_000) } });
      expect(res.status).toBe(431);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expectError({ status: res.status, body: await res.json() }, 431, 'headers_too_large');
    });

    it('answers bytes that are not HTTP with 400 in the envelope, then closes', async () => {
      const { port } = new URL(t.url);
      const socket = connect(Number(port), '127.0.0.1');
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.write('NOT HTTP AT ALL\r\n\r\n');
      await once(socket, 'close');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 400 /);
      expectError({ status: 400, body: JSON.parse(body) }, 400, 'validation_failed');
    });

    it('accepts an empty body sent as JSON on a call that takes none, and still refuses it where a body is needed', async () => {
      const { user, messages } = await member();
      const json = { 'content-type': 'application/json' };
      const group = await user.client.createGroup('empty bodies', [(await registerUser(t.url)).id]);
      const leave = await api(t.url, 'DELETE', `/api/v1/conversations/${group.id}/members/${user.id}`, {
        token: user.token,
        rawBody: '',
        headers: json,
      });
      expectError(leave, 409, 'conflict'); // parsed and handled: an owner with company cannot leave
      expect((await api(t.url, 'POST', '/api/v1/auth/logout', { token: user.token, rawBody: '', headers: json })).status).toBe(204);
      const other = await registerUser(t.url);
      expectError(await api(t.url, 'POST', messages, { token: other.token, rawBody: '', headers: json }), 400, 'malformed_json');
    });
  });

  describe('413: too large', () => {
    it('refuses a body over BODY_LIMIT_BYTES (1024) with payload_too_large', async () => {
      const { user, messages } = await member();
      expect((await api(t.url, 'POST', messages, { token: user.token, body: { clientId: 'fits', body: 'x'.repeat(900) } })).status).toBe(
        201,
      );
      const res = await api(t.url, 'POST', messages, { token: user.token, body: { clientId: 'big', body: 'x'.repeat(2000) } });
      expectError(res, 413, 'payload_too_large');
      expectError(
        await api(t.url, 'POST', '/api/v1/auth/register', { body: { username: 'big', password: 'p'.repeat(2000) } }),
        413,
        'payload_too_large',
      );
      expect((await user.client.history(messages.split('/')[4]!)).items.map((m) => m.clientId)).toEqual(['fits']);
    });

    it('refuses an oversized chunked body (no Content-Length) too', async () => {
      const { user, messages } = await member();
      const res = await new Promise<{ status: number; body: any }>((resolve, reject) => {
        const req = request(t.url + messages, {
          method: 'POST',
          headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        });
        req.on('response', (response) => {
          let text = '';
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
        });
        req.on('error', reject);
        req.write(`{"clientId":"chunked","body":"`);
        for (let i = 0; i < 4; i++) req.write('y'.repeat(512));
        req.end('"}');
      });
      expectError(res, 413, 'payload_too_large');
    });
  });

  describe('404: not found', () => {
    it('answers an unknown route with the error envelope', async () => {
      expectError(await api(t.url, 'GET', '/api/v1/nothing-here'), 404, 'not_found');
      expectError(await api(t.url, 'GET', '/api/v2/users/me'), 404, 'not_found');
    });
  });

  describe('500: unexpected errors', () => {
    it('answers a bare internal error that leaks nothing', async () => {
      const user = await registerUser(t.url);
      vi.spyOn(t.server.services.accounts.users, 'getMe').mockRejectedValue(new Error('SQLITE_CORRUPT at /secret/path'));
      const res = await api(t.url, 'GET', '/api/v1/users/me', { token: user.token });
      expect(res).toEqual({ status: 500, body: { error: { code: 'internal', message: 'Internal server error' } } });
    });
  });

  describe('GET /healthz', () => {
    it('answers 200 while the store is reachable, 503 when it is not', async () => {
      expect(await api(t.url, 'GET', '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
      vi.spyOn(t.server.services.store, 'ping').mockRejectedValue(new Error('connection refused'));
      expectError(await api(t.url, 'GET', '/healthz'), 503, 'unavailable');
    });
  });
});
