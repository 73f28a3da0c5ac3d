import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ConfabClient, type UploadProgress } from '@confab/client';
import { type TestServer, startServer } from '../harness.js';
import { freshUsers } from '../factories.js';
import { fetchBytes, png } from '../files.js';

const MAX = 4 * 1024 * 1024;
const JWT_SECRET = 'an upload-progress test secret of 32+ characters';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * `upload(file, { onProgress })` on a platform without XMLHttpRequest (Node): the multipart body
 * streams through fetch and the bytes are counted as they go. (Browsers take XMLHttpRequest:
 * the web app's attachment browser test covers that path in Chromium.)
 */
describe('SDK: upload progress', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ MAX_UPLOAD_BYTES: String(MAX), JWT_SECRET });
  });
  afterAll(() => t?.close());

  it('reports growing progress up to the whole body, and stores the file as sent, its name intact', async () => {
    const [alice] = await freshUsers(t.url, 1);
    const bytes = randomBytes(2 * 1024 * 1024 + 17);
    const seen: UploadProgress[] = [];
    const filename = 'naïve "plan"\r\n v2.bin';
    const upload = await alice.client.upload(new Blob([bytes]), { filename, onProgress: (p) => seen.push(p) });
    expect(upload).toMatchObject({ size: bytes.length, sha256: sha256(bytes), filename: 'naïve %22plan%22%0D%0A v2.bin' });
    expect(seen.length).toBeGreaterThan(2);
    const total = seen[0]!.total;
    // The multipart framing around the file counts too.
    expect(total).toBeGreaterThan(bytes.length);
    expect(seen.every((p) => p.total === total)).toBe(true);
    expect(seen.map((p) => p.loaded)).toEqual([...seen.map((p) => p.loaded)].sort((a, b) => a - b));
    expect(seen.at(-1)!.loaded).toBe(total);
    const served = await fetchBytes(t.url, alice.token, `/api/v1/uploads/${upload.id}`);
    expect(sha256(served.bytes)).toBe(sha256(bytes));
  });

  it("keeps the file's type for detection: an image gets its size and a thumbnail", async () => {
    const [alice] = await freshUsers(t.url, 1);
    const image = await png(300, 200);
    const file = new File([new Uint8Array(image)], 'red.png', { type: 'image/png' });
    let last: UploadProgress | undefined;
    const upload = await alice.client.upload(file, { onProgress: (p) => (last = p) });
    expect(upload).toMatchObject({ filename: 'red.png', contentType: 'image/png', width: 300, height: 200 });
    expect(last!.loaded).toBe(last!.total);
    expect((await alice.client.files.thumbnail(upload.id)).headers.get('content-type')).toBe('image/webp');
  });

  it('refreshes an expired access token and sends the whole body again', async () => {
    const [alice] = await freshUsers(t.url, 1);
    const { sid } = decodeJwt(alice.token) as { sid: string };
    const past = Math.floor(Date.now() / 1000) - 60;
    const expired = await new SignJWT({ sid })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(alice.id)
      .setIssuer('confab')
      .setAudience('confab')
      .setIssuedAt(past - 10)
      .setExpirationTime(past)
      .sign(new TextEncoder().encode(JWT_SECRET));
    const client = new ConfabClient({ baseUrl: t.url, tokens: { accessToken: expired, refreshToken: alice.auth.refreshToken } });
    const bytes = randomBytes(300_000);
    const seen: UploadProgress[] = [];
    const upload = await client.upload(new Blob([bytes]), { filename: 'again.bin', onProgress: (p) => seen.push(p) });
    expect(upload.sha256).toBe(sha256(bytes));
    expect(client.tokens!.accessToken).not.toBe(expired);
    // Two attempts, each counted from the start; the second one whole.
    expect(seen.filter((p, i) => i > 0 && p.loaded < seen[i - 1]!.loaded)).toHaveLength(1);
    expect(seen.at(-1)!.loaded).toBe(seen.at(-1)!.total);
  });

  it('rejects with the abort reason when aborted mid-way, and before starting when already aborted', async () => {
    const [alice] = await freshUsers(t.url, 1);
    const controller = new AbortController();
    const bytes = randomBytes(3 * 1024 * 1024);
    const upload = alice.client.upload(new Blob([bytes]), {
      filename: 'big.bin',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.loaded < p.total) controller.abort();
      },
    });
    await expect(upload).rejects.toMatchObject({ name: 'AbortError' });
    const reason = new Error('the person cancelled');
    await expect(alice.client.upload(new Blob([bytes]), { signal: AbortSignal.abort(reason), onProgress: () => undefined })).rejects.toBe(
      reason,
    );
  });

  it('answers a file past MAX_UPLOAD_BYTES with the API error, not a network failure', async () => {
    const [alice] = await freshUsers(t.url, 1);
    const upload = alice.client.upload(new Blob([randomBytes(MAX + 1024)]), { filename: 'huge.bin', onProgress: () => undefined });
    await expect(upload).rejects.toBeInstanceOf(ApiError);
    await expect(upload).rejects.toMatchObject({ status: 413, code: 'payload_too_large' });
  });
});
