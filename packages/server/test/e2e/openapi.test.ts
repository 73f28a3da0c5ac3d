import { createECDH } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lintFromString, loadConfig } from '@redocly/openapi-core';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, api, registerUser, startServer } from '../harness.js';
import { registerUsers } from '../factories.js';
import { adminOf } from '../admin.js';

/** The operations the v1 contract names; the document must describe each of them. */
const CONTRACT: [method: string, path: string][] = [
  ['post', '/api/v1/auth/register'],
  ['post', '/api/v1/auth/login'],
  ['post', '/api/v1/auth/refresh'],
  ['post', '/api/v1/auth/logout'],
  ['post', '/api/v1/auth/email/verify'],
  ['post', '/api/v1/auth/password/forgot'],
  ['post', '/api/v1/auth/password/reset'],
  ['post', '/api/v1/auth/claim'],
  ['post', '/api/v1/auth/password/change'],
  ['get', '/api/v1/auth/sessions'],
  ['delete', '/api/v1/auth/sessions/{id}'],
  ['post', '/api/v1/auth/logout-all'],
  ['post', '/api/v1/admin/invites'],
  ['get', '/api/v1/admin/users'],
  ['get', '/api/v1/admin/users/{id}'],
  ['post', '/api/v1/admin/users/{id}/deactivate'],
  ['post', '/api/v1/admin/users/{id}/reactivate'],
  ['post', '/api/v1/admin/users/{id}/password-reset'],
  ['post', '/api/v1/admin/users/{id}/logout-all'],
  ['get', '/api/v1/admin/stats'],
  ['get', '/api/v1/admin/audit'],
  ['post', '/api/v1/users/me/email'],
  ['get', '/api/v1/users/me/export'],
  ['delete', '/api/v1/users/me'],
  ['get', '/api/v1/users/me'],
  ['patch', '/api/v1/users/me'],
  ['get', '/api/v1/users'],
  ['get', '/api/v1/users/{id}'],
  ['put', '/api/v1/users/{id}/block'],
  ['delete', '/api/v1/users/{id}/block'],
  ['get', '/api/v1/users/me/blocks'],
  ['post', '/api/v1/conversations'],
  ['get', '/api/v1/conversations'],
  ['get', '/api/v1/conversations/{id}'],
  ['patch', '/api/v1/conversations/{id}'],
  ['post', '/api/v1/conversations/{id}/members'],
  ['patch', '/api/v1/conversations/{id}/members/{userId}'],
  ['delete', '/api/v1/conversations/{id}/members/{userId}'],
  ['put', '/api/v1/conversations/{id}/mute'],
  ['delete', '/api/v1/conversations/{id}/mute'],
  ['put', '/api/v1/conversations/{id}/archive'],
  ['delete', '/api/v1/conversations/{id}/archive'],
  ['post', '/api/v1/conversations/{id}/clear'],
  ['put', '/api/v1/conversations/{id}/draft'],
  ['delete', '/api/v1/conversations/{id}/draft'],
  ['get', '/api/v1/drafts'],
  ['get', '/api/v1/notifications'],
  ['post', '/api/v1/notifications/read'],
  ['get', '/api/v1/push/vapid-public-key'],
  ['post', '/api/v1/push/subscriptions'],
  ['delete', '/api/v1/push/subscriptions'],
  ['post', '/api/v1/conversations/{id}/messages'],
  ['get', '/api/v1/conversations/{id}/messages'],
  ['get', '/api/v1/messages'],
  ['post', '/api/v1/conversations/{id}/read'],
  ['get', '/api/v1/messages/{id}'],
  ['patch', '/api/v1/messages/{id}'],
  ['delete', '/api/v1/messages/{id}'],
  ['get', '/api/v1/messages/{id}/history'],
  ['get', '/api/v1/messages/{id}/thread'],
  ['put', '/api/v1/messages/{id}/reactions/{emoji}'],
  ['delete', '/api/v1/messages/{id}/reactions/{emoji}'],
  ['put', '/api/v1/messages/{id}/pin'],
  ['delete', '/api/v1/messages/{id}/pin'],
  ['get', '/api/v1/conversations/{id}/pins'],
  ['get', '/healthz'],
  ['get', '/readyz'],
  ['get', '/api/v1/config'],
];

/** Every operation of a document, as [method, path, operation]. */
const operationsOf = (doc: any): [string, string, any][] =>
  Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => [method, path, operation] as [string, string, any]),
  );

describe('OpenAPI document', () => {
  let t: TestServer;
  let doc: any;
  let ajv: Ajv;
  beforeAll(async () => {
    t = await startServer();
    const res = await api(t.url, 'GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
    // The whole document is registered once, so response schemas may $ref its components.
    ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema(doc, 'openapi.json');
  });
  afterAll(async () => {
    await t.close();
  });

  /** The compiled response schema the document gives for an operation and status. */
  function responseValidator(method: string, path: string, status: number) {
    const pointer = ['paths', path, method, 'responses', String(status), 'content', 'application/json', 'schema']
      .map((part) => encodeURIComponent(part.replaceAll('~', '~0').replaceAll('/', '~1')))
      .join('/');
    const validate = ajv.getSchema(`openapi.json#/${pointer}`);
    expect(validate, `${method.toUpperCase()} ${path} documents no ${status} answer`).toBeDefined();
    return validate!;
  }

  /** Validates a real response against the schema the document gives for that operation and status. */
  function expectDocumented(method: string, path: string, response: { status: number; body: unknown }): void {
    const validate = responseValidator(method, path, response.status);
    const valid = validate(response.body);
    expect(validate.errors ?? [], `${method.toUpperCase()} ${path} ${response.status}: ${JSON.stringify(response.body)}`).toEqual([]);
    expect(valid).toBe(true);
  }

  it('is OpenAPI 3 with bearer authentication', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    // The version the packages say (issue 35 item 8: /docs said 1.0.0 beside 0.1.0).
    const { version } = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as {
      version: string;
    };
    expect(doc.info).toMatchObject({ title: expect.any(String), version });
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });

  it('describes every operation of the contract', () => {
    for (const [method, path] of CONTRACT) {
      expect(doc.paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
    }
  });

  it('documents a JSON answer for every success and error, errors in one envelope', () => {
    for (const [method, path] of CONTRACT) {
      const responses = doc.paths[path][method].responses as Record<string, any>;
      const statuses = Object.keys(responses).map(Number);
      expect(
        statuses.some((s) => s >= 200 && s < 300),
        `${method} ${path}`,
      ).toBe(true);
      for (const status of statuses.filter((s) => s >= 400)) {
        const schema = responses[status].content['application/json'].schema;
        expect(schema.properties.error.required, `${method} ${path} ${status}`).toEqual(['code', 'message']);
      }
    }
  });

  it('marks signed-in operations with bearer security, and says the rest need none', () => {
    const open = [
      '/api/v1/auth/register',
      '/api/v1/auth/login',
      '/api/v1/auth/refresh',
      '/api/v1/auth/email/verify',
      '/api/v1/auth/password/forgot',
      '/api/v1/auth/password/reset',
      '/api/v1/auth/claim',
      '/healthz',
      '/readyz',
      '/api/v1/config',
    ];
    for (const [method, path, operation] of operationsOf(doc)) {
      if (open.includes(path)) expect(operation.security, path).toEqual([]);
      else expect(operation.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
    }
  });

  it('names every operation with a unique operationId (client generators name methods by it)', () => {
    const ids = operationsOf(doc).map(([method, path, operation]) => [`${method.toUpperCase()} ${path}`, operation.operationId] as const);
    expect(ids.length).toBeGreaterThanOrEqual(CONTRACT.length);
    for (const [operation, id] of ids) expect(id, operation).toMatch(/^[a-z][A-Za-z]+$/);
    expect(new Set(ids.map(([, id]) => id)).size).toBe(ids.length);
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  it('passes Redocly’s recommended rules (redocly.yaml), warnings included', async () => {
    const root = fileURLToPath(new URL('../../../..', import.meta.url));
    const config = await loadConfig({ configPath: `${root}/redocly.yaml` });
    const problems = await lintFromString({ source: JSON.stringify(doc, null, 2), absoluteRef: `${root}/openapi.json`, config });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it('is generated from the request schemas: strict bodies, typed parameters', () => {
    const send = doc.paths['/api/v1/conversations/{id}/messages'].post;
    const body = send.requestBody.content['application/json'].schema;
    // `body` is required of a text message (the default kind), which the service checks: location, attachment and voice messages may have none.
    expect(body).toMatchObject({ type: 'object', required: ['clientId'], additionalProperties: false });
    expect(Object.keys(body.properties)).toEqual([
      'clientId',
      'body',
      'location',
      'replyToId',
      'threadRootId',
      'kind',
      'attachmentIds',
      'voice',
      'poll',
      'mls',
      'scheduledAt',
    ]);
    const register = doc.paths['/api/v1/auth/register'].post.requestBody.content['application/json'].schema;
    expect(register.properties.password).toMatchObject({ minLength: 8, maxLength: 256 });
    const historyParams = doc.paths['/api/v1/conversations/{id}/messages'].get.parameters.map((p: any) => `${p.in}:${p.name}`);
    expect(historyParams.sort()).toEqual(['path:id', 'query:after', 'query:before', 'query:limit', 'query:threads']);
  });

  it('matches real answers: the admin calls', async () => {
    const admin = await adminOf(t);
    const user = await registerUser(t.url, 'docadmin');
    const call = (method: string, path: string) => api(t.url, method.toUpperCase(), path.replace('{id}', user.id), { token: admin.token });
    for (const [method, path, status] of [
      ['get', '/api/v1/admin/users', 200],
      ['get', '/api/v1/admin/users/{id}', 200],
      ['post', '/api/v1/admin/users/{id}/deactivate', 200],
      ['post', '/api/v1/admin/users/{id}/reactivate', 200],
      ['post', '/api/v1/admin/users/{id}/password-reset', 409],
      ['post', '/api/v1/admin/users/{id}/logout-all', 200],
      ['get', '/api/v1/admin/stats', 200],
      ['get', '/api/v1/admin/audit', 200],
    ] as const) {
      const answer = await call(method, path);
      expect(answer.status, `${method} ${path}`).toBe(status);
      expectDocumented(method, path, answer);
    }
    expectDocumented('get', '/api/v1/admin/stats', await api(t.url, 'GET', '/api/v1/admin/stats', { token: user.token }));
  });

  it('matches real answers: accounts and users', async () => {
    const username = `doc_${Math.random().toString(36).slice(2, 10)}`;
    const registered = await api(t.url, 'POST', '/api/v1/auth/register', { body: { username, password: 'correct horse battery' } });
    expectDocumented('post', '/api/v1/auth/register', registered);
    const token = registered.body.accessToken;
    expectDocumented(
      'post',
      '/api/v1/auth/login',
      await api(t.url, 'POST', '/api/v1/auth/login', { body: { username, password: 'wrong password' } }),
    );
    expectDocumented(
      'post',
      '/api/v1/auth/refresh',
      await api(t.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: registered.body.refreshToken } }),
    );
    expectDocumented('get', '/api/v1/users/me', await api(t.url, 'GET', '/api/v1/users/me', { token }));
    expectDocumented('patch', '/api/v1/users/me', await api(t.url, 'PATCH', '/api/v1/users/me', { token, body: { bio: 'documented' } }));
    expectDocumented('get', '/api/v1/users', await api(t.url, 'GET', `/api/v1/users?q=${username}`, { token }));
    expectDocumented('get', '/api/v1/users/{id}', await api(t.url, 'GET', `/api/v1/users/${registered.body.user.id}`, { token }));
    expectDocumented('get', '/api/v1/users/{id}', await api(t.url, 'GET', '/api/v1/users/nobody', { token }));
    expectDocumented(
      'post',
      '/api/v1/auth/register',
      await api(t.url, 'POST', '/api/v1/auth/register', { body: { username, password: 'x' } }),
    );
    expectDocumented('get', '/healthz', await api(t.url, 'GET', '/healthz'));
    expectDocumented('get', '/readyz', await api(t.url, 'GET', '/readyz'));
    expectDocumented('get', '/api/v1/config', await api(t.url, 'GET', '/api/v1/config'));
    for (const path of ['/healthz', '/readyz', '/api/v1/config'] as const) {
      const unknownQuery = await api(t.url, 'GET', `${path}?verbose=1`);
      expect(unknownQuery.status).toBe(400); // no query parameters, as every route refuses unknown ones
      expectDocumented('get', path, unknownQuery);
    }
  });

  it('matches real answers: conversations and messages', async () => {
    const [owner, member] = await registerUsers(t.url, 2);
    const outsider = await registerUser(t.url);
    const created = await api(t.url, 'POST', '/api/v1/conversations', {
      token: owner!.token,
      body: { kind: 'group', title: 'docs', memberIds: [member!.id] },
    });
    expectDocumented('post', '/api/v1/conversations', created);
    const id = created.body.conversation.id;
    const sent = await api(t.url, 'POST', `/api/v1/conversations/${id}/messages`, {
      token: owner!.token,
      body: { clientId: 'doc-1', body: 'hello 👋' },
    });
    expectDocumented('post', '/api/v1/conversations/{id}/messages', sent);
    expectDocumented('get', '/api/v1/conversations', await api(t.url, 'GET', '/api/v1/conversations', { token: member!.token }));
    expectDocumented('get', '/api/v1/conversations/{id}', await api(t.url, 'GET', `/api/v1/conversations/${id}`, { token: member!.token }));
    expectDocumented(
      'get',
      '/api/v1/conversations/{id}',
      await api(t.url, 'GET', `/api/v1/conversations/${id}`, { token: outsider.token }),
    );
    expectDocumented(
      'patch',
      '/api/v1/conversations/{id}',
      await api(t.url, 'PATCH', `/api/v1/conversations/${id}`, { token: member!.token, body: { title: 'x' } }),
    );
    expectDocumented(
      'post',
      '/api/v1/conversations/{id}/members',
      await api(t.url, 'POST', `/api/v1/conversations/${id}/members`, { token: owner!.token, body: { userId: outsider.id } }),
    );
    expectDocumented(
      'patch',
      '/api/v1/conversations/{id}/members/{userId}',
      await api(t.url, 'PATCH', `/api/v1/conversations/${id}/members/${member!.id}`, { token: owner!.token, body: { role: 'admin' } }),
    );
    expectDocumented(
      'get',
      '/api/v1/conversations/{id}/messages',
      await api(t.url, 'GET', `/api/v1/conversations/${id}/messages`, { token: member!.token }),
    );
    expectDocumented('get', '/api/v1/messages', await api(t.url, 'GET', '/api/v1/messages', { token: member!.token }));
    expectDocumented(
      'post',
      '/api/v1/conversations/{id}/read',
      await api(t.url, 'POST', `/api/v1/conversations/${id}/read`, { token: member!.token, body: { seq: 1 } }),
    );
    expectDocumented(
      'post',
      '/api/v1/conversations/{id}/messages',
      await api(t.url, 'POST', `/api/v1/conversations/${id}/messages`, { token: owner!.token }),
    );
  });

  it('matches real answers: one message (edits, versions, threads, reactions, pins, deletes), each operation named', async () => {
    const [owner, member] = await registerUsers(t.url, 2);
    const outsider = await registerUser(t.url);
    const group = (
      await api(t.url, 'POST', '/api/v1/conversations', {
        token: owner!.token,
        body: { kind: 'group', title: 'docs', memberIds: [member!.id] },
      })
    ).body.conversation;
    const root = (
      await api(t.url, 'POST', `/api/v1/conversations/${group.id}/messages`, {
        token: member!.token,
        body: { clientId: 'r', body: 'root' },
      })
    ).body.message;
    const reply = await api(t.url, 'POST', `/api/v1/conversations/${group.id}/messages`, {
      token: owner!.token,
      body: { clientId: 't', body: 'in thread', threadRootId: root.id, replyToId: root.id },
    });
    expectDocumented('post', '/api/v1/conversations/{id}/messages', reply);
    const one = `/api/v1/messages/${root.id}`;
    const emoji = `${one}/reactions/${encodeURIComponent('👍')}`;
    const calls: [string, string, string, { token: string; body?: unknown }][] = [
      ['get', '/api/v1/messages/{id}', one, { token: member!.token }],
      ['get', '/api/v1/messages/{id}', one, { token: outsider.token }],
      ['patch', '/api/v1/messages/{id}', one, { token: member!.token, body: { body: 'root, edited' } }],
      ['patch', '/api/v1/messages/{id}', one, { token: owner!.token, body: { body: 'not mine' } }],
      ['get', '/api/v1/messages/{id}/history', `${one}/history`, { token: owner!.token }],
      ['get', '/api/v1/messages/{id}/thread', `${one}/thread`, { token: owner!.token }],
      ['put', '/api/v1/messages/{id}/reactions/{emoji}', emoji, { token: owner!.token }],
      ['put', '/api/v1/messages/{id}/reactions/{emoji}', `${one}/reactions/nope`, { token: owner!.token }],
      ['delete', '/api/v1/messages/{id}/reactions/{emoji}', emoji, { token: owner!.token }],
      ['put', '/api/v1/messages/{id}/pin', `${one}/pin`, { token: owner!.token }],
      ['put', '/api/v1/messages/{id}/pin', `${one}/pin`, { token: member!.token }],
      ['get', '/api/v1/conversations/{id}/pins', `/api/v1/conversations/${group.id}/pins`, { token: member!.token }],
      ['delete', '/api/v1/messages/{id}/pin', `${one}/pin`, { token: owner!.token }],
      ['delete', '/api/v1/messages/{id}', one, { token: member!.token }],
      ['patch', '/api/v1/messages/{id}', one, { token: member!.token, body: { body: 'after delete' } }],
    ];
    for (const [method, path, url, options] of calls) expectDocumented(method, path, await api(t.url, method.toUpperCase(), url, options));
    const ids = CONTRACT.filter(([, path]) => path.startsWith('/api/v1/messages/') || path.endsWith('/pins')).map(
      ([m, p]) => doc.paths[p][m].operationId,
    );
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('matches real answers: Web Push', async () => {
    const [alice] = await registerUsers(t.url, 1);
    const token = alice!.token;
    const browser = createECDH('prime256v1');
    browser.generateKeys();
    const keys = { p256dh: browser.getPublicKey().toString('base64url'), auth: Buffer.alloc(16, 1).toString('base64url') };
    const endpoint = `https://push.example/${alice!.id}`;
    const calls: [string, string, { token: string; body?: unknown }][] = [
      ['get', '/api/v1/push/vapid-public-key', { token }],
      ['post', '/api/v1/push/subscriptions', { token, body: { endpoint, keys } }],
      ['post', '/api/v1/push/subscriptions', { token, body: { endpoint: 'http://plain.example/x', keys } }],
      ['delete', '/api/v1/push/subscriptions', { token, body: { endpoint } }],
      ['delete', '/api/v1/push/subscriptions', { token, body: { endpoint } }],
    ];
    for (const [method, path, options] of calls) expectDocumented(method, path, await api(t.url, method.toUpperCase(), path, options));
  });

  it('catches answers that break it (the check above is not vacuous)', async () => {
    const [alice, bob] = await registerUsers(t.url, 2);
    const dm = await alice!.client.openDirect(bob!.id);
    const sent = await api(t.url, 'POST', `/api/v1/conversations/${dm.id}/messages`, {
      token: alice!.token,
      body: { clientId: 'k', body: 'hi' },
    });
    const validate = responseValidator('post', '/api/v1/conversations/{id}/messages', 201);
    expect(validate(sent.body)).toBe(true);
    const { seq: _seq, ...withoutSeq } = sent.body.message;
    expect(validate({ message: withoutSeq })).toBe(false);
    expect(validate({ message: { ...sent.body.message, seq: 0 } })).toBe(false);
    expect(validate({ message: { ...sent.body.message, createdAt: 'yesterday' } })).toBe(false);
    expect(responseValidator('get', '/api/v1/conversations', 200)({ items: [] })).toBe(false); // nextCursor is required
  });

  it('is browsable at /docs', async () => {
    const res = await fetch(`${t.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('Swagger UI');
  });
});
