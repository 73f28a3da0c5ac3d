import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { RawSocket, type TestServer, registerUser, startServer, uniqueName, until } from '../harness.js';
import { MailCatcher, tokenIn } from '../mail.js';

/** Raw HTTP keeping the headers (Retry-After). */
async function call(url: string, method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url + pathname, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text) };
}

/** A multipart body with one part named `file`. */
function form(bytes: Buffer): FormData {
  const body = new FormData();
  body.append('file', new Blob([new Uint8Array(bytes)]), 'file.bin');
  return body;
}

function expectLimited(answer: { status: number; headers: Headers; body: any }): void {
  expect(answer.status).toBe(429);
  expect(answer.body.error).toMatchObject({ code: 'rate_limited' });
  expect(answer.body.error.retryAfterMs).toBeGreaterThan(0);
  expect(Number(answer.headers.get('retry-after'))).toBe(Math.max(1, Math.ceil(answer.body.error.retryAfterMs / 1000)));
}

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(env: Record<string, string>, logger?: pino.Logger): Promise<TestServer> {
  const server = await startServer(env, logger === undefined ? {} : { logger });
  servers.push(server);
  return server;
}

const PASSWORD = 'correct horse battery';
const register = (url: string, username = uniqueName(), headers: Record<string, string> = {}) =>
  call(url, 'POST', '/api/v1/auth/register', { username, password: PASSWORD }, headers);
const login = (url: string, username: string, password: string) => call(url, 'POST', '/api/v1/auth/login', { username, password });

describe('abuse limits', () => {
  it('limits sign-ups per address with 429, Retry-After and the error envelope; X-Forwarded-For cannot rotate the key', async () => {
    const { url } = await serve({ RATE_LIMIT_REGISTER_IP: '3/3600' });
    for (let i = 0; i < 3; i++) expect((await register(url, undefined, { 'x-forwarded-for': `10.0.0.${i}` })).status).toBe(201);
    expectLimited(await register(url, undefined, { 'x-forwarded-for': '10.0.0.99' }));
    expectLimited(await register(url));
  });

  it('counts per forwarded address only behind a proxy named in TRUST_PROXY', async () => {
    const { url } = await serve({ RATE_LIMIT_REGISTER_IP: '1/3600', TRUST_PROXY: '127.0.0.1' });
    expect((await register(url, undefined, { 'x-forwarded-for': '203.0.113.1' })).status).toBe(201);
    expectLimited(await register(url, undefined, { 'x-forwarded-for': '203.0.113.1' }));
    expect((await register(url, undefined, { 'x-forwarded-for': '203.0.113.2' })).status).toBe(201);
    // A client cannot prepend its own value: the address the trusted proxy saw is the last one.
    expectLimited(await register(url, undefined, { 'x-forwarded-for': '198.51.100.7, 203.0.113.2' }));
  });

  it('limits reset requests per address with 429, and per account with the same 202 and no mail', async () => {
    const mail = await MailCatcher.start();
    try {
      const { url, server } = await serve({
        SMTP_URL: mail.url,
        RATE_LIMIT_PASSWORD_FORGOT_ACCOUNT: '2/3600',
        RATE_LIMIT_PASSWORD_FORGOT_IP: '5/3600',
      });
      const email = `${uniqueName('m')}@example.test`;
      expect((await call(url, 'POST', '/api/v1/auth/register', { username: uniqueName(), password: PASSWORD, email })).status).toBe(201);
      const verify = tokenIn(await mail.next(email, /Confirm/));
      expect((await call(url, 'POST', '/api/v1/auth/email/verify', { token: verify })).status).toBe(200);
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await call(url, 'POST', '/api/v1/auth/password/forgot', { login: email }));
      await server.services.accounts.passwordReset.settled();
      // The account's limit answers as every other request does: 202, the same body; only two mails left.
      expect(new Set(answers.map((a) => `${a.status} ${JSON.stringify(a.body)}`)).size).toBe(1);
      expect(answers[0]!.status).toBe(202);
      expect(mail.to(email).filter((m) => /Reset/.test(m.subject))).toHaveLength(2);
      expectLimited(await call(url, 'POST', '/api/v1/auth/password/forgot', { login: email }));
    } finally {
      await mail.close();
    }
  });

  it('backs an account off after failed sign-ins (any spelling of it, existing or not), then lets its owner in', async () => {
    const { url } = await serve({ RATE_LIMIT_LOGIN_ACCOUNT: '2/3600', RATE_LIMIT_BACKOFF_MAX_SECONDS: '1' });
    const username = uniqueName('victim');
    expect((await register(url, username)).status).toBe(201);
    expect((await login(url, username, 'wrong password 1')).status).toBe(401);
    expect((await login(url, username, 'wrong password 2')).status).toBe(401);
    // The third failure is still answered (401) and starts the back-off.
    expect((await login(url, username, 'wrong password 3')).status).toBe(401);
    expectLimited(await login(url, username, PASSWORD));
    expectLimited(await login(url, username.toUpperCase(), PASSWORD));
    // Another account is not affected; an unknown one backs off alike (a 429 tells nothing).
    const other = await registerUser(url);
    expect((await login(url, other.auth.user.username, PASSWORD)).status).toBe(200);
    const ghost = uniqueName('ghost');
    for (let i = 0; i < 3; i++) expect((await login(url, ghost, 'wrong password')).status).toBe(401);
    expectLimited(await login(url, ghost, 'wrong password'));
    // A back-off, not a lockout: once it has passed the owner gets in (attempts meanwhile are refused, not counted).
    await until(async () => (await login(url, username, PASSWORD)).status === 200, 'the back-off to pass', 10_000);
    // Getting in forgot the failures: the next wrong password is a plain 401 again.
    expect((await login(url, username, 'wrong again')).status).toBe(401);
    expect((await login(url, username, PASSWORD)).status).toBe(200);
  });

  it('counts sends per user over REST and WebSocket together', async () => {
    const { url } = await serve({ RATE_LIMIT_SEND_USER: '3/3600' });
    const alice = await registerUser(url);
    const bob = await registerUser(url);
    const dm = await alice.client.openDirect(bob.id);
    const rest = (clientId: string) =>
      call(url, 'POST', `/api/v1/conversations/${dm.id}/messages`, { clientId, body: 'hi' }, { authorization: `Bearer ${alice.token}` });
    expect((await rest('r1')).status).toBe(201);
    expect((await rest('r2')).status).toBe(201);
    const socket = await RawSocket.ready(url, alice.token);
    socket.send({ type: 'message.send', id: 'w1', conversationId: dm.id, clientId: 'w1', body: 'hi' });
    expect(await socket.next((f) => f.type === 'ack' || f.type === 'error')).toMatchObject({ type: 'ack', id: 'w1' });
    socket.send({ type: 'message.send', id: 'w2', conversationId: dm.id, clientId: 'w2', body: 'hi' });
    const refused = await socket.next((f) => f.type === 'error' && f.id === 'w2');
    expect(refused).toMatchObject({ type: 'error', id: 'w2', error: { code: 'rate_limited' } });
    expect(refused.type === 'error' && refused.error.retryAfterMs).toBeGreaterThan(0);
    expectLimited(await rest('r3'));
    // Bob's sends are his own.
    expect((await bob.client.sendMessage(dm.id, 'hello', 'b1')).seq).toBe(4);
    socket.close();
  });

  it('answers frames past the socket limit with rate_limited errors, then closes a socket that keeps flooding with 1008', async () => {
    const { url } = await serve({ RATE_LIMIT_WS_FRAME_SOCKET: '5/3600', WS_FLOOD_CLOSE_AFTER: '3' });
    const alice = await registerUser(url);
    const socket = await RawSocket.ready(url, alice.token);
    for (let i = 0; i < 5; i++) socket.send({ type: 'ping', id: `p${i}` });
    await socket.next((f) => f.type === 'pong' && f.id === 'p4');
    for (let i = 5; i < 8; i++) socket.send({ type: 'ping', id: `p${i}` });
    const refused = await socket.next((f) => f.type === 'error' && f.id === 'p7');
    expect(refused).toMatchObject({ error: { code: 'rate_limited' } });
    expect(socket.frames.filter((f) => f.type === 'error').map((f) => f.type === 'error' && f.id)).toEqual(['p5', 'p6', 'p7']);
    socket.send('not even JSON');
    expect(await socket.closed).toBe(1008);
    expect(socket.closeReason).toBe('rate_limited');
    // The user's other sockets are untouched: the limit is per socket.
    const again = await RawSocket.ready(url, alice.token);
    again.send({ type: 'ping', id: 'fresh' });
    await again.next((f) => f.type === 'pong' && f.id === 'fresh');
    again.close();
  });

  it('limits conversations created per user', async () => {
    const { url } = await serve({ RATE_LIMIT_CONVERSATION_CREATE_USER: '2/3600' });
    const alice = await registerUser(url);
    const bob = await registerUser(url);
    const create = () =>
      call(
        url,
        'POST',
        '/api/v1/conversations',
        { kind: 'group', title: 'g', memberIds: [bob.id] },
        { authorization: `Bearer ${alice.token}` },
      );
    expect((await create()).status).toBe(201);
    expect((await create()).status).toBe(201);
    expectLimited(await create());
    // The SDK's error says when to come back.
    await expect(alice.client.createGroup('again', [bob.id])).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfterMs: expect.any(Number),
    });
    expect((await bob.client.createGroup('bob', [alice.id])).title).toBe('bob');
  });

  // Issue 35: 120 uploads and 300 searches in half a second were all accepted.
  it('limits uploads per user, before the file is read: 429 with Retry-After, nothing kept, other users unaffected', async () => {
    const t = await serve({ RATE_LIMIT_UPLOAD_USER: '3/3600' });
    const alice = await registerUser(t.url);
    const bob = await registerUser(t.url);
    const upload = (token: string) =>
      fetch(`${t.url}/api/v1/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form(Buffer.alloc(1000, 1)),
      });
    for (let i = 0; i < 3; i++) expect((await upload(alice.token)).status).toBe(201);
    const refused = await upload(alice.token);
    expectLimited({ status: refused.status, headers: refused.headers, body: await refused.json() });
    expect(refused.headers.get('connection')).toBe('close'); // the file was never read
    expect(await t.server.services.store.uploads.uploadBytesUsed(alice.id)).toBe(3000);
    await expect(alice.client.upload(new Blob([new Uint8Array(10)]), 'a.bin')).rejects.toMatchObject({ code: 'rate_limited' });
    expect((await upload(bob.token)).status).toBe(201);
  });

  it('with the default limits, a burst of 80 uploads is cut at 60 and one of 150 searches at 120', async () => {
    const { url } = await serve({});
    const alice = await registerUser(url);
    const auth = { authorization: `Bearer ${alice.token}` };
    const uploads = await Promise.all(
      Array.from({ length: 80 }, () =>
        fetch(`${url}/api/v1/uploads`, { method: 'POST', headers: auth, body: form(Buffer.from('hello')) }).then((r) => r.status),
      ),
    );
    expect(uploads.filter((status) => status === 201)).toHaveLength(60);
    expect(uploads.filter((status) => status === 429)).toHaveLength(20);
    const searches = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        call(url, 'GET', i % 2 === 0 ? '/api/v1/search?q=hello' : '/api/v1/search/conversations?q=hello', undefined, auth),
      ),
    );
    expect(searches.filter((answer) => answer.status === 200)).toHaveLength(120);
    const limited = searches.filter((answer) => answer.status !== 200);
    expect(limited).toHaveLength(30);
    for (const answer of limited) expectLimited(answer);
  });

  it('limits searches per user, of messages and of conversations together', async () => {
    const { url } = await serve({ RATE_LIMIT_SEARCH_USER: '2/3600' });
    const alice = await registerUser(url);
    const bob = await registerUser(url);
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    expect((await call(url, 'GET', '/api/v1/search?q=hi', undefined, auth(alice.token))).status).toBe(200);
    expect((await call(url, 'GET', '/api/v1/search/conversations?q=hi', undefined, auth(alice.token))).status).toBe(200);
    expectLimited(await call(url, 'GET', '/api/v1/search?q=hi', undefined, auth(alice.token)));
    expectLimited(await call(url, 'GET', '/api/v1/search/conversations?q=hi', undefined, auth(alice.token)));
    expect((await call(url, 'GET', '/api/v1/search?q=hi', undefined, auth(bob.token))).status).toBe(200);
  });

  it('reports each trip (not each refusal) to the security log', async () => {
    const lines: any[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line));
        done();
      },
    });
    const { url } = await serve({ RATE_LIMIT_REGISTER_IP: '1/3600' }, pino({ level: 'warn' }, sink));
    expect((await register(url)).status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await register(url)).status).toBe(429);
    const trips = lines.filter((l) => l.securityEvent?.type === 'rate_limit.tripped');
    expect(trips).toHaveLength(1);
    expect(trips[0].securityEvent).toMatchObject({ limit: 'registerIp', key: '127.0.0.1', ip: '127.0.0.1' });
  });

  it('turns every limit off with RATE_LIMITS=off', async () => {
    const { url } = await serve({ RATE_LIMITS: 'off', RATE_LIMIT_REGISTER_IP: '1/3600' });
    for (let i = 0; i < 3; i++) expect((await register(url)).status).toBe(201);
  });
});
