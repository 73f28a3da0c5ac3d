import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientFrame, IDENTIFIER_PATTERN } from '@confab/protocol';
import { expectError, freshUsers } from '../factories.js';
import { type TestServer, type TestUser, RawSocket, api, startServer } from '../harness.js';
import { type TestSchema, createTestSchema, postgresService, requireService } from '../services.js';
import { databaseSnapshot } from '../snapshot.js';

/**
 * Every string of every request and frame is validated at the schema (items 1, 2 and 5 of issue
 * 9): each bad string below, put into each string field, query or path parameter of every
 * operation of the OpenAPI document and of every client frame type, is refused with 400
 * `validation_failed` pointing at that field (an `error` frame with the frame's id over the
 * WebSocket), never a 500, and nothing reaches the database, on SQLite and on PostgreSQL.
 */

type Schema = {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
};
interface Operation {
  parameters?: { in: 'path' | 'query'; name: string; required?: boolean; schema: Schema }[];
  requestBody?: { content: { 'application/json'?: { schema: Schema } } };
}

/** A bad string: `text` goes in JSON; `url` (percent-encoded) in a path or query. */
interface BadString {
  name: string;
  text: string;
  url: string;
  /** True when the URL form is refused before the schema (undecodable), so without a detail. */
  urlUndecodable?: boolean;
}
const LONE_SURROGATE: BadString = { name: 'a lone surrogate', text: 'ok\uD800', url: 'ok%ED%A0%80', urlUndecodable: true };
const FOR_EVERY_STRING: BadString[] = [
  LONE_SURROGATE,
  { name: 'a reversed surrogate pair', text: '\uDE00\uD83D', url: '%ED%B8%80%ED%A0%BD', urlUndecodable: true },
  { name: 'NUL', text: 'a\u0000b', url: 'a%00b' },
  { name: 'another C0 control (ESC)', text: 'a\u001Bb', url: 'a%1Bb' },
];
const FOR_SINGLE_LINES: BadString[] = [{ name: 'a newline', text: 'a\nb', url: 'a%0Ab' }];
const FOR_IDENTIFIERS: BadString[] = [
  { name: 'a space', text: 'a b', url: 'a%20b' },
  { name: 'a non-ASCII letter', text: 'é', url: '%C3%A9' },
];
const INVISIBLE_ONLY: BadString[] = [
  { name: 'whitespace only', text: '   \n\t ', url: '%20%20%20%0A%09%20' },
  { name: 'zero-width only', text: '\u200B\u200D\uFEFF', url: '%E2%80%8B%E2%80%8D%EF%BB%BF' },
  { name: 'NBSP only', text: '\u00A0', url: '%C2%A0' },
  { name: 'a Hangul filler and a braille blank', text: '\u3164\u2800', url: '%E3%85%A4%E2%A0%80' },
  { name: 'combining marks only', text: '\u0301\u0308', url: '%CC%81%CC%88' },
];

/** The bad strings that must be refused in a field of this schema. */
function badStringsFor(schema: Schema): BadString[] {
  const bad = [...FOR_EVERY_STRING];
  if (schema.format === 'line' || schema.format === 'visible-line' || schema.pattern !== undefined) bad.push(...FOR_SINGLE_LINES);
  if (schema.pattern === IDENTIFIER_PATTERN) bad.push(...FOR_IDENTIFIERS);
  if (schema.format?.startsWith('visible-')) bad.push(...INVISIBLE_ONLY);
  return bad;
}

/** A schema-valid value; `known` names real ids, so a request that slipped through would really change something. */
function sample(schema: Schema, known: Record<string, string>, name = ''): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return sample(union[0]!, known, name);
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, s]) => [key, sample(s, known, key)]));
    case 'array': {
      // As many items as the array needs (a poll's two options), distinct where they are text.
      const one = sample(schema.items!, known, name);
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, (_, i) => (i > 0 && typeof one === 'string' ? `${one}${i}` : one));
    }
    case 'string':
      if (known[name] !== undefined) return known[name];
      if (schema.format === 'email') return 'someone@example.com';
      if (schema.format === 'reaction') return ':thumbs_up:';
      // An instant an hour ahead: valid wherever one is taken (a live location's end, a search bound).
      if (schema.format === 'date-time' || schema.format === 'instant') return new Date(Date.now() + 3_600_000).toISOString();
      return 'abcdefgh'.padEnd(schema.minLength ?? 0, 'x');
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return true;
    default:
      throw new Error(`no sample for schema ${JSON.stringify(schema)}`);
  }
}

/** Every string-typed place in a value of this schema, as JSON Pointers (array items at index 0). */
function stringLeaves(schema: Schema, pointer = ''): { pointer: string; schema: Schema }[] {
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return stringLeaves(union[0]!, pointer);
  if (schema.type === 'string' || schema.enum?.every((value) => typeof value === 'string')) return [{ pointer, schema }];
  if (schema.type === 'array') return stringLeaves(schema.items!, `${pointer}/0`);
  if (schema.type === 'object') return Object.entries(schema.properties ?? {}).flatMap(([key, s]) => stringLeaves(s, `${pointer}/${key}`));
  return [];
}

function withValue(value: unknown, pointer: string, replacement: string): unknown {
  const copy = structuredClone(value);
  const keys = pointer.split('/').slice(1);
  let target = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[keys.at(-1)!] = replacement;
  return copy;
}

/** The variants of a body: each member of a union on its own, so every field of each is reached. */
const variants = (schema: Schema): Schema[] => schema.anyOf ?? schema.oneOf ?? [schema];

const describePostgres = await requireService(postgresService);
const engines = [
  { engine: 'SQLite', describe: describe, env: async () => ({ env: {}, schema: undefined }) },
  {
    engine: 'PostgreSQL',
    describe: describePostgres,
    env: async () => {
      const schema = await createTestSchema();
      return { env: { DATABASE_URL: schema.url, JWT_SECRET: 'a bad-strings test secret of 32+ characters' }, schema };
    },
  },
];

for (const { engine, describe: describeEngine, env } of engines) {
  describeEngine(`bad strings on ${engine}`, () => {
    let t: TestServer;
    let schema: TestSchema | undefined;
    let user: TestUser;
    let other: TestUser;
    let known: Record<string, string>;
    beforeAll(async () => {
      const setup = await env();
      schema = setup.schema;
      t = await startServer(setup.env);
      [user, other] = await freshUsers(t.url, 2);
      // An instance admin, so the admin routes read their input too (others get 403 before it).
      await t.server.services.accounts.users.makeAdministrator(user.auth.user.username);
      const group = await user.client.createGroup('walk', [other.id]);
      await user.client.sendMessage(group.id, 'something to change');
      // A search indexes what is noted for it first: on SQLite the indexer would otherwise write
      // the message into the search index a moment later, between a test's two snapshots.
      expect((await user.client.search.messages({ q: 'something' })).items).toHaveLength(1);
      known = { id: group.id, conversationId: group.id, userId: other.id, memberIds: other.id };
    });
    afterAll(async () => {
      await t?.close();
      await schema?.drop();
    });

    it('refuses each in every string field, query and path parameter of every operation, and stores nothing', async () => {
      const doc = (await api(t.url, 'GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
      const before = await databaseSnapshot(t);
      const reached = new Set<string>();
      const check = async (what: string, res: { status: number; body: any }, path: string | null) => {
        expectError(res, 400, 'validation_failed');
        if (path !== null) reached.add(path);
        // The field named is the one made bad: the rest of the request was valid.
        if (path !== null)
          expect(
            res.body.error.details.map((d: any) => d.path),
            what,
          ).toEqual([path]);
      };

      for (const [template, operations] of Object.entries(doc.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          const params = operation.parameters ?? [];
          const pathValues = Object.fromEntries(
            params
              .filter((p) => p.in === 'path')
              .map((p) => [p.name, p.name === 'id' && template.startsWith('/api/v1/users/') ? other.id : known[p.name]!]),
          );
          const requiredQuery = params
            .filter((p) => p.in === 'query' && p.required)
            .map((p) => [p.name, String(sample(p.schema, known, p.name))]);
          const url = (path: Record<string, string>, query: string[][]) =>
            template.replace(/\{(\w+)\}/g, (_, name: string) => path[name]!) +
            (query.length > 0 ? `?${query.map(([k, v]) => `${k}=${v}`).join('&')}` : '');
          // JSON bodies only: the upload's multipart body carries bytes, not strings of these kinds.
          const bodySchema = operation.requestBody?.content['application/json']?.schema;
          // Parameters are made bad in an otherwise valid request: with the first variant's body, if it takes one.
          const validBody = bodySchema ? { body: sample(variants(bodySchema)[0]!, known) } : {};
          const call = (target: string, options: object) => api(t.url, method.toUpperCase(), target, { token: user.token, ...options });

          for (const param of params.filter((p) => stringLeaves(p.schema).length > 0)) {
            for (const bad of badStringsFor(param.schema)) {
              const what = `${method.toUpperCase()} ${template} ${param.in} ${param.name}: ${bad.name}`;
              const target =
                param.in === 'path'
                  ? url({ ...pathValues, [param.name]: bad.url }, requiredQuery)
                  : url(pathValues, [...requiredQuery.filter(([k]) => k !== param.name), [param.name, bad.url]]);
              const res = await call(target, validBody);
              await check(what, res, bad.urlUndecodable ? null : `/${param.in === 'path' ? 'params' : 'query'}/${param.name}`);
            }
          }
          for (const variant of bodySchema ? variants(bodySchema) : []) {
            const valid = sample(variant, known);
            for (const leaf of stringLeaves(variant)) {
              for (const bad of badStringsFor(leaf.schema)) {
                const res = await call(url(pathValues, requiredQuery), { body: withValue(valid, leaf.pointer, bad.text) });
                await check(`${method.toUpperCase()} ${template} body ${leaf.pointer}: ${bad.name}`, res, `/body${leaf.pointer}`);
              }
            }
          }
        }
      }
      // The walk reached every kind of string the API takes.
      const expected = [
        '/params/id',
        '/params/userId',
        '/query/q',
        '/query/cursor',
        '/query/since',
        '/query/sender',
        '/body/clientId',
        '/body/body',
      ];
      expected.push(
        '/body/title',
        '/body/displayName',
        '/body/bio',
        '/body/memberIds/0',
        '/body/userId',
        '/body/username',
        '/body/password',
      );
      expected.push('/body/email', '/body/refreshToken', '/body/kind', '/body/role');
      expect([...reached]).toEqual(expect.arrayContaining(expected));
      expect(await databaseSnapshot(t)).toEqual(before);
    });

    it('refuses each in every string field of every client frame type with an error frame, and stores nothing', async () => {
      const socket = await RawSocket.ready(t.url, user.token);
      const before = await databaseSnapshot(t);
      const reached = new Set<string>();
      for (const frameSchema of ClientFrame.anyOf as Schema[]) {
        const frame = sample(frameSchema, { ...known, id: 'frame-1' }) as Record<string, unknown>;
        for (const leaf of stringLeaves(frameSchema)) {
          for (const bad of badStringsFor(leaf.schema)) {
            const what = `${String(frame.type)} ${leaf.pointer}: ${bad.name}`;
            const sent = socket.frames.length;
            socket.send(withValue(frame, leaf.pointer, bad.text));
            const answer = await socket.next<any>((f) => f.type === 'error' && socket.frames.indexOf(f) >= sent);
            reached.add(`${String(frame.type)} ${leaf.pointer}`);
            if (leaf.pointer === '/type') {
              expect(answer, what).toMatchObject({ id: 'frame-1', error: { code: 'unknown_frame' } });
              continue;
            }
            // A bad id is not echoed back: the answer cannot carry it faithfully either.
            expect(answer, what).toMatchObject({ id: leaf.pointer === '/id' ? null : 'frame-1', error: { code: 'validation_failed' } });
            expect(
              answer.error.details.map((d: any) => d.path),
              what,
            ).toEqual([leaf.pointer]);
          }
        }
      }
      expect([...reached]).toEqual(
        expect.arrayContaining(['message.send /id', 'message.send /conversationId', 'message.send /clientId', 'message.send /body']),
      );
      expect([...reached]).toEqual(
        expect.arrayContaining(['ping /id', 'typing /conversationId', 'delivered /conversationId', 'read /conversationId']),
      );
      expect(await databaseSnapshot(t)).toEqual(before);
      socket.close();
    });

    it('answers a lone surrogate clientId sent twice with 400 both times, not a 500 on the retry', async () => {
      const [alice, bob] = await freshUsers(t.url, 2);
      const dm = await alice.client.openDirect(bob.id);
      for (let attempt = 0; attempt < 2; attempt++) {
        const res = await api(t.url, 'POST', `/api/v1/conversations/${dm.id}/messages`, {
          token: alice.token,
          body: { clientId: 'k\uD800', body: 'hi' },
        });
        expectError(res, 400, 'validation_failed');
        expect(res.body.error.details[0].path).toBe('/body/clientId');
      }
      expect((await alice.client.history(dm.id)).items).toEqual([]);
    });

    it('answers NUL in a display name, bio, title, registration field or search with 400, not a 500 or a stored NUL', async () => {
      const [alice] = await freshUsers(t.url, 1);
      const nul = 'a\u0000b';
      const asAlice = (method: string, path: string, body?: unknown) =>
        api(t.url, method, path, { token: alice.token, ...(body === undefined ? {} : { body }) });
      expectError(await asAlice('PATCH', '/api/v1/users/me', { displayName: nul }), 400, 'validation_failed');
      expectError(await asAlice('PATCH', '/api/v1/users/me', { bio: nul }), 400, 'validation_failed');
      expectError(await asAlice('POST', '/api/v1/conversations', { kind: 'group', title: nul, memberIds: [] }), 400, 'validation_failed');
      expectError(await asAlice('GET', '/api/v1/users?q=a%00'), 400, 'validation_failed');
      const register = { username: `nul_${Date.now() % 1e9}`, password: 'correct horse battery' };
      expectError(await api(t.url, 'POST', '/api/v1/auth/register', { body: { ...register, displayName: nul } }), 400, 'validation_failed');
      expectError(
        await api(t.url, 'POST', '/api/v1/auth/register', { body: { ...register, password: `correct${nul}horse` } }),
        400,
        'validation_failed',
      );
      expectError(
        await api(t.url, 'POST', '/api/v1/auth/login', { body: { username: nul, password: 'correct horse battery' } }),
        400,
        'validation_failed',
      );
      const me = await alice.client.me();
      expect([me.displayName, me.bio]).toEqual([alice.auth.user.displayName, '']);
      expect((await alice.client.listConversations()).items).toEqual([]);
    });

    it('needs a visible character in a message body and a group title, and stores exactly what was sent', async () => {
      const [alice, bob] = await freshUsers(t.url, 2);
      const group = await alice.client.createGroup('visible', [bob.id]);
      const send = (body: string) =>
        api(t.url, 'POST', `/api/v1/conversations/${group.id}/messages`, {
          token: alice.token,
          body: { clientId: crypto.randomUUID(), body },
        });
      for (const body of ['   \n\t ', '\u200B', '\u200B\u200C\u200D\u2060\uFEFF', '\u00A0', '\u00A0\u3000\u2003', '\u3164', '\u2800']) {
        expectError(await send(body), 400, 'validation_failed');
        expectError(
          await api(t.url, 'PATCH', `/api/v1/conversations/${group.id}`, {
            token: alice.token,
            body: { title: body.replace(/[\n\t]/g, ' ') },
          }),
          400,
          'validation_failed',
        );
      }
      expectError(
        await api(t.url, 'POST', '/api/v1/conversations', { token: alice.token, body: { kind: 'group', title: '   ', memberIds: [] } }),
        400,
        'validation_failed',
      );
      // Kept byte for byte: surrounding whitespace, tabs and newlines, joiners inside an emoji.
      const bodies = [
        '  padded\tand\nmulti-line  ',
        '\u00A0x\u00A0',
        '👩‍💻\u200D',
        '\u200Bzero-width first',
        'é (e + combining acute)'.normalize('NFD'),
      ];
      for (const body of bodies) expect((await send(body)).status).toBe(201);
      expect((await alice.client.history(group.id)).items.map((m) => m.body).reverse()).toEqual(bodies);
      const title = ' Team 👩‍💻\u00A0';
      expect((await api(t.url, 'PATCH', `/api/v1/conversations/${group.id}`, { token: alice.token, body: { title } })).status).toBe(200);
      expect((await bob.client.getConversation(group.id)).title).toBe(title);
    });
  });
}
