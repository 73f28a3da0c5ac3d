import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, api, startServer, uniqueName, until } from '../harness.js';

/** Without SMTP_URL, each mail is written as an .eml file under DATA_DIR/mail/: one machine works with no mail server. */
describe('mail without SMTP', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ PUBLIC_URL: 'https://confab.example.test/' });
  });
  afterAll(() => t.close());

  it('writes the verification mail to DATA_DIR/mail/*.eml, readable by the server’s user only, with the link', async () => {
    const email = `${uniqueName('eml')}@example.test`;
    const res = await api(t.url, 'POST', '/api/v1/auth/register', {
      body: { username: uniqueName('eml'), password: 'correct horse battery', email },
    });
    expect(res.status).toBe(201);
    const dir = path.join(t.dataDir, 'mail');
    const files = () => {
      try {
        return readdirSync(dir).filter((f) => f.endsWith('.eml'));
      } catch {
        return [];
      }
    };
    await until(() => files().length === 1, 'the .eml file');
    const file = path.join(dir, files()[0]!);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(new RegExp(`^To: ${email}$`, 'm'));
    expect(text).toMatch(/^Subject: Confirm your email address$/m);
    expect(text).toContain('multipart/alternative');
    expect(text).toContain('https://confab.example.test/verify-email?token=');
    expect((await import('node:fs')).statSync(file).mode & 0o777).toBe(0o600);
  });
});
