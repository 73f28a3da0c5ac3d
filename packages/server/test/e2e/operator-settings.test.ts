import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type TestServer, api, registerUser, startServer, uniqueName } from '../harness.js';
import { engines } from '../engines.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(env: Record<string, string>): Promise<TestServer> {
  const server = await startServer(env);
  servers.push(server);
  return server;
}

/** What an operator decides: who signs up, whom the directory shows, who reads /metrics and /docs, which interface is bound. */
describe('operator settings', () => {
  it('binds every interface unless HOST says otherwise', () => {
    expect(loadConfig({}).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
  });

  it('REGISTRATION=closed refuses sign-up with 403 registration_closed; sign-in still works', async () => {
    const { url } = await serve({ REGISTRATION: 'closed' });
    const refused = await api(url, 'POST', '/api/v1/auth/register', {
      body: { username: uniqueName(), password: 'correct horse battery' },
    });
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'registration_closed' } } });
    // Input is still validated first: a bad body is a 400, whatever the policy.
    expect((await api(url, 'POST', '/api/v1/auth/register', { body: { username: 1 } })).status).toBe(400);
  });

  it('METRICS_TOKEN guards /metrics with a bearer token', async () => {
    const token = 'a-metrics-token-of-some-length';
    const { url } = await serve({ METRICS_TOKEN: token });
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer a-metrics-token-of-some-lengtX' } })).status).toBe(401);
    const ok = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('confab_');
    const open = await serve({});
    expect((await fetch(`${open.url}/metrics`)).status).toBe(200);
  });

  it('API_DOCS=false hides /docs (the OpenAPI document stays)', async () => {
    const hidden = await serve({ API_DOCS: 'false' });
    expect((await fetch(`${hidden.url}/docs`)).status).toBe(404);
    expect((await fetch(`${hidden.url}/api/openapi.json`)).status).toBe(200);
    const shown = await serve({});
    const docs = await fetch(`${shown.url}/docs/`, { redirect: 'follow' });
    expect(docs.status).toBe(200);
    // Swagger UI's scripts are files: its page needs no inline script either.
    const csp = docs.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self';/);
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('refuses bad values of the new settings at start-up, naming each', () => {
    expect(() =>
      loadConfig({
        REGISTRATION: 'maybe',
        DIRECTORY: 'some',
        CORS_ORIGINS: '*,https://a.example/path',
        METRICS_TOKEN: 'short',
        RATE_LIMIT_SEND_USER: '10',
      }),
    ).toThrow(/RATE_LIMIT_SEND_USER[\s\S]*REGISTRATION[\s\S]*DIRECTORY[\s\S]*CORS_ORIGINS[\s\S]*CORS_ORIGINS[\s\S]*METRICS_TOKEN/);
  });
});

describe.each(await engines({ DIRECTORY: 'shared' }))('DIRECTORY=shared on %s', (_engine, start) => {
  it('finds only people I share a conversation with, and anyone by exact username', async () => {
    const server = await start();
    servers.push(server);
    const { url } = server;
    const me = await registerUser(url, 'me');
    const friend = await registerUser(url, 'friend');
    const stranger = await registerUser(url, 'stranger');
    await me.client.openDirect(friend.id);
    const search = async (q: string) => (await me.client.searchUsers({ q })).items.map((u) => u.username);
    expect(await search('friend')).toEqual([friend.auth.user.username]);
    expect(await search('stranger')).toEqual([]);
    expect(await search(stranger.auth.user.username)).toEqual([stranger.auth.user.username]);
    expect(await search(stranger.auth.user.username.toUpperCase())).toEqual([stranger.auth.user.username]);
    // The stranger finds me only by my exact name too.
    expect((await stranger.client.searchUsers({ q: 'me' })).items).toEqual([]);
  });
});
