import { request } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type TestServer, startServer, uniqueName } from '../harness.js';
import { MailCatcher } from '../mail.js';

const mail = await MailCatcher.start();
afterAll(() => mail.close());

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A server whose warn lines are kept. */
async function serve(env: Record<string, string>): Promise<{ t: TestServer; warnings: { msg: string; host?: string }[] }> {
  const warnings: { msg: string; host?: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') warnings.push(JSON.parse(line));
      done();
    },
  });
  const t = await startServer({ SMTP_URL: mail.url, ...env }, { logger: pino({ level: 'warn' }, sink) });
  servers.push(t);
  return { t, warnings };
}

/** POST with JSON and a Host header of the caller's choosing (fetch would not send it). */
function postWithHost(url: string, path: string, body: unknown, headers: Record<string, string>): Promise<number> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** Registers a user with an address, with a forged Host: the verification mail's text (its link is the one to check). */
async function verificationMailText(url: string): Promise<string> {
  const email = `${uniqueName('pu')}@example.test`;
  const forged = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
  const body = { username: uniqueName('pu'), password: 'correct horse battery', email };
  expect(await postWithHost(url, '/api/v1/auth/register', body, forged)).toBe(201);
  return (await mail.next(email, /Confirm/)).text;
}

const publicUrlWarnings = (warnings: { msg: string }[]) => warnings.filter((w) => w.msg.includes('PUBLIC_URL is not set'));

/** Issue 35 item 8: mail links come from PUBLIC_URL only; unset on an address others reach, start-up says so. */
describe('PUBLIC_URL', () => {
  it('unset on every interface: one warning at start-up; links still never take the request’s Host', async () => {
    const { t, warnings } = await serve({ HOST: '0.0.0.0' });
    expect(publicUrlWarnings(warnings)).toEqual([expect.objectContaining({ host: '0.0.0.0' })]);
    const text = await verificationMailText(t.url);
    expect(text).toContain(`${t.server.services.config.accounts.publicUrl}/verify-email?token=`);
    expect(text).not.toContain('evil.example');
  });

  it('set on every interface: no warning, and every link starts with it whatever Host the request had', async () => {
    const { t, warnings } = await serve({ HOST: '0.0.0.0', PUBLIC_URL: 'https://chat.example.test/' });
    expect(publicUrlWarnings(warnings)).toEqual([]);
    const text = await verificationMailText(t.url);
    expect(text).toContain('https://chat.example.test/verify-email?token=');
    expect(text).not.toContain('evil.example');
  });

  it('unset on loopback only: no warning (nobody else follows the links)', async () => {
    const { warnings } = await serve({ HOST: '127.0.0.1' });
    expect(publicUrlWarnings(warnings)).toEqual([]);
  });
});
