import { describe } from 'vitest';
import sharp from 'sharp';
import { type TestServer, startServer } from './harness.js';
import { s3Service, startS3 } from './s3.js';
import { createTestSchema, postgresService, requireService } from './services.js';

/**
 * The stacks the file tests run on: each store, and each blob driver — SQLite with the disk
 * driver (the default), PostgreSQL with its own blob driver (chosen by DATABASE_URL alone), and
 * SQLite with an S3-compatible bucket. A stack whose service is missing is skipped loudly (or
 * fails under CONFAB_REQUIRE_SERVICES=1).
 */
export async function fileStacks(env: Record<string, string> = {}): Promise<[string, () => Promise<TestServer>][]> {
  const stacks: [string, () => Promise<TestServer>][] = [['SQLite, disk blobs', () => startServer(env)]];
  if ((await requireService(postgresService)) === describe) {
    stacks.push([
      'PostgreSQL, PostgreSQL blobs',
      async () => {
        const schema = await createTestSchema();
        const server = await startServer({
          DATABASE_URL: schema.url,
          DATABASE_POOL_SIZE: '4',
          JWT_SECRET: 'an end-to-end test secret of 32+ characters',
          ...env,
        });
        return { ...server, close: async () => (await server.close(), await schema.drop()) };
      },
    ]);
  }
  if ((await requireService(s3Service)) === describe) {
    stacks.push([
      'SQLite, S3 blobs',
      async () => {
        const s3 = await startS3();
        const server = await startServer({ ...s3.env, ...env });
        return { ...server, close: async () => (await server.close(), await s3.close()) };
      },
    ]);
  }
  return stacks;
}

/** A PNG of `width`×`height`, made by sharp. */
export function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 60 } } })
    .png()
    .toBuffer();
}

/** A mono 16-bit PCM WAV of `ms` milliseconds at 8 kHz, header written by hand (RIFF/WAVE, fmt, data). */
export function wav(ms: number): Buffer {
  const rate = 8000;
  const samples = (rate * ms) / 1000;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28); // bytes per second
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Raw multipart upload (any part name, any claimed type), for asserting exact answers. */
export async function uploadRaw(
  url: string,
  token: string | undefined,
  bytes: Buffer,
  options: { filename?: string; type?: string; field?: string } = {},
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append(
    options.field ?? 'file',
    new Blob([new Uint8Array(bytes)], { type: options.type ?? 'application/octet-stream' }),
    options.filename ?? 'file.bin',
  );
  const response = await fetch(`${url}/api/v1/uploads`, {
    method: 'POST',
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    body: form,
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

/** GET with a token and extra headers; the answer's status, headers and bytes. */
export async function fetchBytes(url: string, token: string, pathname: string, headers: Record<string, string> = {}) {
  const response = await fetch(url + pathname, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}
