import http from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestServer } from '../harness.js';
import { freshUsers } from '../factories.js';
import { fileStacks, png } from '../files.js';

const MAX = 1024 * 1024;

interface Answer {
  status: number;
  body: string;
  ms: number;
  /** The answer's Connection header. */
  connection: string | undefined;
}

/** One request on `agent` (a kept-alive connection is reused); resolves with the answer even if the server stops reading the body. */
function request(
  agent: http.Agent,
  url: string,
  method: string,
  path: string,
  headers: http.OutgoingHttpHeaders,
  body?: Buffer,
): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString(),
          ms: Date.now() - started,
          connection: res.headers.connection,
        }),
      );
    });
    // A server that answers early and closes may cut the body's writing short: the answer is what counts.
    req.on('error', reject);
    req.end(body);
  });
}

function multipart(bytes: Buffer, filename: string): { headers: http.OutgoingHttpHeaders; body: Buffer } {
  const boundary = `confab-${crypto.randomUUID()}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length }, body };
}

describe.each(await fileStacks({ MAX_UPLOAD_BYTES: String(MAX), UPLOAD_QUOTA_BYTES: String(2 * MAX) }))(
  'an answer before the body is read, on %s',
  (_name, start) => {
    let t: TestServer;
    let agent: http.Agent;
    beforeAll(async () => {
      t = await start();
    });
    beforeEach(() => {
      agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    });
    afterEach(() => agent.destroy());
    afterAll(async () => {
      await t?.close();
    });

    /** A small upload and GET /healthz on the same agent: both answer promptly (the stall was 53–74 s; the bound is on waiting, not speed). */
    async function nextRequestsAnswer(token: string) {
      const small = multipart(await png(64, 64), 'small.png');
      const accepted = await request(
        agent,
        t.url,
        'POST',
        '/api/v1/uploads',
        { authorization: `Bearer ${token}`, ...small.headers },
        small.body,
      );
      expect(accepted.status, accepted.body).toBe(201);
      // A body read whole keeps its connection.
      expect(accepted.connection).toBe('keep-alive');
      const health = await request(agent, t.url, 'GET', '/healthz', {});
      expect(health.status).toBe(200);
      expect(accepted.ms + health.ms).toBeLessThan(5000);
    }

    it('an upload over MAX_UPLOAD_BYTES: 413 closing the connection, and the next upload and GET /healthz do not stall', async () => {
      const [alice] = await freshUsers(t.url, 1);
      const big = multipart(Buffer.alloc(26 * MAX, 7), 'big.bin');
      const refused = await request(
        agent,
        t.url,
        'POST',
        '/api/v1/uploads',
        { authorization: `Bearer ${alice.token}`, ...big.headers },
        big.body,
      );
      expect(refused.status, refused.body).toBe(413);
      expect(JSON.parse(refused.body).error.code).toBe('payload_too_large');
      expect(refused.connection).toBe('close');
      await nextRequestsAnswer(alice.token);
    });

    it('an upload past the quota, refused before its first byte is read', async () => {
      const [alice] = await freshUsers(t.url, 1);
      for (let i = 0; i < 2; i++) {
        const full = multipart(Buffer.alloc(MAX, i), 'full.bin');
        expect(
          (await request(agent, t.url, 'POST', '/api/v1/uploads', { authorization: `Bearer ${alice.token}`, ...full.headers }, full.body))
            .status,
        ).toBe(201);
      }
      const over = multipart(Buffer.alloc(MAX, 9), 'over.bin');
      const refused = await request(
        agent,
        t.url,
        'POST',
        '/api/v1/uploads',
        { authorization: `Bearer ${alice.token}`, ...over.headers },
        over.body,
      );
      expect(refused.status, refused.body).toBe(413);
      expect(JSON.parse(refused.body).error.message).toMatch(/quota/);
      const [bob] = await freshUsers(t.url, 1);
      await nextRequestsAnswer(bob.token);
    });

    it('an upload without a token (401 before the body) and a JSON body over BODY_LIMIT_BYTES (413)', async () => {
      const [alice] = await freshUsers(t.url, 1);
      const big = multipart(Buffer.alloc(8 * MAX, 7), 'big.bin');
      const unauthenticated = await request(agent, t.url, 'POST', '/api/v1/uploads', big.headers, big.body);
      expect(unauthenticated.status).toBe(401);
      await nextRequestsAnswer(alice.token);
      const json = Buffer.from(JSON.stringify({ kind: 'group', title: 'x'.repeat(4 * MAX), memberIds: [] }));
      const tooLarge = await request(
        agent,
        t.url,
        'POST',
        '/api/v1/conversations',
        { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json', 'content-length': json.length },
        json,
      );
      expect(tooLarge.status, tooLarge.body).toBe(413);
      await nextRequestsAnswer(alice.token);
    });
  },
);
