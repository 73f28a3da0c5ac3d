import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, api, registerUser, startServer } from '../harness.js';
import { expectError } from '../factories.js';

/** Issue 36 item 2: profile fields beside bio (the time zone for the profile card's local time). */
describe('profile: time zone', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('is absent until set, is stored in Intl’s spelling, shows on the public profile, and null clears it', async () => {
    const ann = await registerUser(t.url, 'tzann');
    const bob = await registerUser(t.url, 'tzbob');
    const patch = (body: unknown) => api(t.url, 'PATCH', '/api/v1/users/me', { token: ann.token, body });
    expect(ann.auth.user).not.toHaveProperty('timeZone');

    const set = await patch({ timeZone: 'europe/paris' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ id: ann.auth.user.id, timeZone: 'Europe/Paris' });
    const seen = await api(t.url, 'GET', `/api/v1/users/${ann.auth.user.id}`, { token: bob.token });
    expect(seen.body).toMatchObject({ timeZone: 'Europe/Paris' });

    // Another field's change leaves it alone.
    expect((await patch({ bio: 'hi' })).body).toMatchObject({ bio: 'hi', timeZone: 'Europe/Paris' });

    const cleared = await patch({ timeZone: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).not.toHaveProperty('timeZone');
  });

  it('refuses a zone Intl does not know, a too-long or empty one, and an unauthenticated change', async () => {
    const ann = await registerUser(t.url, 'tzbad');
    const patch = (body: unknown) => api(t.url, 'PATCH', '/api/v1/users/me', { token: ann.token, body });
    const unknown = await patch({ timeZone: 'Mars/Olympus_Mons' });
    expectError(unknown, 400, 'validation_failed');
    expect(JSON.stringify(unknown.body)).toContain('timeZone');
    expectError(await patch({ timeZone: '' }), 400, 'validation_failed');
    expectError(await patch({ timeZone: 'A'.repeat(65) }), 400, 'validation_failed');
    expectError(await patch({ timeZone: 3 }), 400, 'validation_failed');
    expectError(await api(t.url, 'PATCH', '/api/v1/users/me', { body: { timeZone: 'UTC' } }), 401, 'unauthenticated');
    // Nothing was stored by the refusals.
    expect((await api(t.url, 'GET', '/api/v1/users/me', { token: ann.token })).body).not.toHaveProperty('timeZone');
  });
});
