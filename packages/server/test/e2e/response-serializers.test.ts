import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, api, registerUser, startServer } from '../harness.js';

/**
 * Response serializers are built on first use (http/lazy-serializers.ts), so a schema that
 * fast-json-stringify cannot build would otherwise show only as a 500 the first time that answer
 * is sent: here every route's are built at once.
 */
describe('response serializers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server.close());

  it('are left unbuilt at start-up, and every route’s can be built', async () => {
    const { serializers } = server.server.app;
    const pending = serializers.pendingCount;
    // Every route answers with several statuses: hundreds in all.
    expect(pending).toBeGreaterThan(300);
    const user = await registerUser(server.url);
    const me = await api(server.url, 'GET', '/api/v1/users/me', { token: user.token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(user.id);
    // Only what was answered was built (registering, and this).
    const left = serializers.pendingCount;
    expect(left).toBeLessThan(pending);
    expect(left).toBeGreaterThan(pending - 20);

    expect(serializers.compileAll()).toBe(left);
    expect(serializers.pendingCount).toBe(0);
    // An error answer, its serializer built by compileAll, still has the catalogue's shape.
    const refused = await api(server.url, 'GET', '/api/v1/users/me');
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  });
});
