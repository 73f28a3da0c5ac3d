import { afterEach, describe, expect, it } from 'vitest';
import { type TestServer, api, newClient, registerUser, startServer } from '../harness.js';
import { expectError } from '../factories.js';
import { MailCatcher } from '../mail.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(env: Record<string, string> = {}): Promise<TestServer> {
  const server = await startServer(env);
  servers.push(server);
  return server;
}

/** Issue 35 item 5: the limits a client needs, published before sign-in. */
describe('GET /api/v1/config', () => {
  it('answers without a token, with the defaults, through the SDK too', async () => {
    const t = await serve();
    const res = await api(t.url, 'GET', '/api/v1/config');
    expect(res).toEqual({
      status: 200,
      body: {
        maxMessageLength: 4000,
        maxUploadBytes: 25 * 1_048_576,
        maxAttachments: 10,
        registration: 'open',
        features: { push: true, mail: false, search: true, locations: true, apiDocs: true, assist: true },
      },
    });
    expect(await newClient(t.url).instanceConfig()).toEqual(res.body);
    // A token changes nothing, and an expired or bad one is not looked at (public).
    expect((await api(t.url, 'GET', '/api/v1/config', { token: 'not-a-token' })).body).toEqual(res.body);
  });

  it('follows the configuration', async () => {
    const mail = await MailCatcher.start();
    try {
      const t = await serve({
        MAX_MESSAGE_LENGTH: '50',
        MAX_UPLOAD_BYTES: '2048',
        REGISTRATION: 'invite',
        SMTP_URL: mail.url,
        API_DOCS: 'false',
        ASSIST: 'off',
      });
      expect((await api(t.url, 'GET', '/api/v1/config')).body).toEqual({
        maxMessageLength: 50,
        maxUploadBytes: 2048,
        maxAttachments: 10,
        registration: 'invite',
        features: { push: true, mail: true, search: true, locations: true, apiDocs: false, assist: false },
      });
    } finally {
      await mail.close();
    }
  });

  it('publishes the limit the server enforces: at it a message is stored, one past it is refused', async () => {
    const t = await serve({ MAX_MESSAGE_LENGTH: '20' });
    const { maxMessageLength } = await newClient(t.url).instanceConfig();
    const u = await registerUser(t.url);
    const [other] = [await registerUser(t.url)];
    const dm = await u.client.openDirect(other!.id);
    const send = (body: string, clientId: string) =>
      api(t.url, 'POST', `/api/v1/conversations/${dm.id}/messages`, { token: u.token, body: { clientId, body } });
    // Code points, not UTF-16 units: an emoji counts once.
    expect((await send('😀'.repeat(maxMessageLength), 'at-limit')).status).toBe(201);
    expectError(await send('x'.repeat(maxMessageLength + 1), 'past-limit'), 400, 'validation_failed');
  });

  it('refuses query parameters and other methods', async () => {
    const t = await serve();
    expectError(await api(t.url, 'GET', '/api/v1/config?verbose=1'), 400, 'validation_failed');
    expect((await api(t.url, 'POST', '/api/v1/config', { body: {} })).status).toBe(405);
  });
});
