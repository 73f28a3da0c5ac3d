import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { asyncApiDocument } from '@confab/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawSocket, type TestServer, api, registerUser, startServer } from '../harness.js';
import { createGroup } from '../factories.js';

/** The AsyncAPI document as served, and real frames checked against its message payloads. */
describe('GET /api/asyncapi.json', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it('serves the document generated from the frame schemas, linked from the OpenAPI description /docs shows', async () => {
    const served = await api(t.url, 'GET', '/api/asyncapi.json');
    expect(served.status).toBe(200);
    expect(served.body).toEqual(JSON.parse(JSON.stringify(asyncApiDocument())));
    const openapi = await api(t.url, 'GET', '/api/openapi.json');
    expect(openapi.body.info.description).toContain('[/api/asyncapi.json](/api/asyncapi.json)');
    expect(openapi.body.paths['/api/asyncapi.json']).toBeUndefined(); // not a REST operation
  });

  it('describes the frames a real socket exchanges: each validates against its message payload', async () => {
    const { body: document } = await api(t.url, 'GET', '/api/asyncapi.json');
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const check = (direction: 'client' | 'server', frame: { type: string }) => {
      const message = document.components.messages[`${direction}.${frame.type}`];
      expect(message, `${direction}.${frame.type} is in the document`).toBeDefined();
      const validate = ajv.compile(message.payload);
      expect(validate(frame), `${frame.type}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    };

    const [alice, bob] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const group = await createGroup(alice, [bob]);
    const [a, b] = await Promise.all([RawSocket.ready(t.url, alice.token), RawSocket.ready(t.url, bob.token)]);
    const sent = [
      { type: 'typing', id: 't1', conversationId: group.id, typing: true },
      { type: 'message.send', id: 's1', conversationId: group.id, clientId: 'c-1', body: 'hi @all' },
      { type: 'ping', id: 'p1' },
      { type: 'message.edit', id: 'e1', messageId: 'not-an-id', body: 'x' },
    ];
    for (const frame of sent) {
      check('client', frame);
      a.send(frame);
    }
    await a.next((f) => f.type === 'error' && f.id === 'e1');
    await b.next((f) => f.type === 'message.created');
    await b.next((f) => f.type === 'typing');
    a.close();
    b.close();
    const received = [...a.frames, ...b.frames];
    // presence may come too (bob's socket opening), checked like the rest
    expect([...new Set(received.map((f) => f.type))]).toEqual(
      expect.arrayContaining(['ready', 'ack', 'pong', 'error', 'message.created', 'typing']),
    );
    for (const frame of received) check('server', frame);
  });
});
