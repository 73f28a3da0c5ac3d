import { type TestServer, api, uniqueName } from './harness.js';

export const ADMIN_PASSWORD = 'correct horse battery';

/** Makes an instance admin through the service, as `confab admin create` does, and signs them in. */
export async function adminOf(t: TestServer): Promise<{ id: string; token: string; username: string }> {
  const username = uniqueName('admin');
  const user = await t.server.services.accounts.users.create({ username, password: ADMIN_PASSWORD }, { isAdmin: true });
  const signedIn = await api(t.url, 'POST', '/api/v1/auth/login', { body: { username, password: ADMIN_PASSWORD } });
  return { id: user.id, token: signedIn.body.accessToken as string, username };
}
