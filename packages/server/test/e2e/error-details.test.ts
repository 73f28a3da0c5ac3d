import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, RawSocket, api, registerUser, startServer } from '../harness.js';
import { freshUsers } from '../factories.js';

/** Item 8 of issue 9: frame errors come from the frame's own schema; `details` has one shape everywhere. */
describe('error details', () => {
  let t: TestServer;
  let validateErrorBody: (body: unknown) => void;
  beforeAll(async () => {
    t = await startServer({ MAX_MESSAGE_LENGTH: '10', MAX_GROUP_MEMBERS: '3' });
    // The envelope as the OpenAPI document describes it (any route's 400 answer).
    const doc = (await api(t.url, 'GET', '/api/openapi.json')).body;
    const schema = doc.paths['/api/v1/conversations/{id}/messages'].post.responses['400'].content['application/json'].schema;
    expect(schema.properties.error.properties.details.items.required).toEqual(['path', 'message']);
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    validateErrorBody = (body) => {
      validate(body);
      expect(validate.errors ?? [], JSON.stringify(body)).toEqual([]);
    };
  });
  afterAll(async () => {
    await t.close();
  });

  /** Sends a frame and waits for the error frame that answers it. */
  async function errorFor(socket: RawSocket, frame: unknown): Promise<any> {
    const sent = socket.frames.length;
    socket.send(frame);
    return socket.next<any>((f) => f.type === 'error' && socket.frames.indexOf(f) >= sent);
  }

  it("reports a frame's errors against the schema of its own type, not the union's", async () => {
    const user = await registerUser(t.url);
    const socket = await RawSocket.ready(t.url, user.token);
    const read = await errorFor(socket, { type: 'read', id: 'r1', seq: '5' });
    expect(read).toEqual({
      type: 'error',
      id: 'r1',
      error: {
        code: 'validation_failed',
        message: expect.stringContaining('read'),
        details: [{ path: '/conversationId', message: expect.any(String), params: { missingProperty: 'conversationId' } }],
      },
    });
    const badSeq = await errorFor(socket, { type: 'read', id: 'r2', conversationId: 'c', seq: '5' });
    expect(badSeq.error.details).toEqual([{ path: '/seq', message: 'must be integer', params: { type: 'integer' } }]);
    const typing = await errorFor(socket, { type: 'typing', conversationId: 'c', typing: true, body: 'x' });
    expect(typing.error.details).toEqual([{ path: '/body', message: expect.any(String), params: { additionalProperty: 'body' } }]);
    const unknown = await errorFor(socket, { type: 'launch', id: 'u1' });
    expect(unknown).toMatchObject({
      id: 'u1',
      error: { code: 'unknown_frame', details: [{ path: '/type', params: { allowedValues: expect.arrayContaining(['read']) } }] },
    });
    for (const answer of [read, badSeq, typing, unknown]) validateErrorBody({ error: answer.error });
    socket.close();
  });

  it("reports a conversation body's errors against the schema of its own kind", async () => {
    const user = await registerUser(t.url);
    const create = (body: object) => api(t.url, 'POST', '/api/v1/conversations', { token: user.token, body });
    const badTitle = await create({ kind: 'group', title: 'a\u0000', memberIds: [] });
    expect(badTitle.body.error.details).toEqual([{ path: '/body/title', message: expect.any(String), params: { format: 'visible-line' } }]);
    const noUser = await create({ kind: 'direct' });
    expect(noUser.body.error.details).toEqual([
      { path: '/body/userId', message: expect.any(String), params: { missingProperty: 'userId' } },
    ]);
    const badKind = await create({ kind: 'channel', title: 'x', memberIds: [] });
    expect(badKind.body.error.details).toEqual([
      expect.objectContaining({ path: '/body/kind', params: expect.objectContaining({ tag: 'kind', tagValue: 'channel' }) }),
    ]);
    for (const answer of [badTitle, noUser, badKind]) validateErrorBody(answer.body);
  });

  it('gives REST validation, frame validation and service errors the same details shape', async () => {
    const [alice, bob, carol, dave] = await freshUsers(t.url, 4);
    const dm = await alice.client.openDirect(bob.id);
    const messages = `/api/v1/conversations/${dm.id}/messages`;
    const socket = await RawSocket.ready(t.url, alice.token);

    const answers = [
      // The schema, over REST and in a frame.
      await api(t.url, 'POST', messages, { token: alice.token, body: { clientId: 'k k', body: 'hi' } }),
      {
        status: 400,
        body: {
          error: (await errorFor(socket, { type: 'message.send', id: 's1', conversationId: dm.id, clientId: 'k k', body: 'hi' })).error,
        },
      },
      // A service rule (the body's length is a setting), over REST and in a frame.
      await api(t.url, 'POST', messages, { token: alice.token, body: { clientId: 'long', body: 'x'.repeat(11) } }),
      {
        status: 400,
        body: {
          error: (await errorFor(socket, { type: 'message.send', id: 's2', conversationId: dm.id, clientId: 'long', body: 'x'.repeat(11) }))
            .error,
        },
      },
      // Service rules that name a field, or none.
      await api(t.url, 'POST', '/api/v1/conversations', {
        token: alice.token,
        body: { kind: 'group', title: 'g', memberIds: [bob.id, 'nobody'] },
      }),
      await api(t.url, 'POST', '/api/v1/conversations', {
        token: alice.token,
        body: { kind: 'group', title: 'g', memberIds: [bob.id, carol.id, dave.id] },
      }),
    ];
    const paths = answers.map((a) => a.body.error.details.map((d: { path: string }) => d.path));
    expect(paths).toEqual([['/body/clientId'], ['/clientId'], ['/body/body'], ['/body'], ['/body/memberIds/1'], ['/body/memberIds']]);
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      validateErrorBody(answer.body);
    }
    expect(answers[2]!.body.error.details[0].params).toEqual({ limit: 10 });
    expect(answers[3]!.body.error.details[0].params).toEqual({ limit: 10 });
    socket.close();
  });
});
