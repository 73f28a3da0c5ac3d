import { readFileSync } from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser } from '../harness.js';
import { type ServerProcess, processSandbox } from '../process.js';

const MiB = 1024 * 1024;

/** The process's resident set, from /proc (Linux), in bytes. */
function rss(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match![1]) * 1024;
}

/**
 * Streams a multipart upload of `total` bytes (1 MiB writes, waiting for the socket to drain),
 * stopping as soon as the answer arrives. Resolves with the status, how many bytes of the file
 * had been written by then, and the server's highest resident set seen meanwhile (sampled).
 */
function streamUpload(url: string, token: string, total: number, pid: number) {
  const boundary = `----confab${crypto.randomUUID()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const piece = Buffer.alloc(MiB, 0x5a);
  return new Promise<{ status: number; sent: number; peakRss: number }>((resolve, reject) => {
    let sent = 0;
    let answered = false;
    let peakRss = rss(pid);
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rss(pid))), 10);
    const request = http.request(`${url}/api/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    request.on('response', (response) => {
      answered = true;
      clearInterval(sampler);
      peakRss = Math.max(peakRss, rss(pid));
      response.resume();
      resolve({ status: response.statusCode!, sent, peakRss });
      request.destroy(); // the rest is never sent
    });
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    void (async () => {
      request.write(head);
      while (sent < total && !answered) {
        sent += piece.length;
        if (!request.write(piece)) await new Promise((r) => request.once('drain', r));
      }
      if (!answered) request.end(`\r\n--${boundary}--\r\n`);
    })();
  });
}

describe('an upload over MAX_UPLOAD_BYTES (a server process)', () => {
  let server: ServerProcess;
  let sandbox: Awaited<ReturnType<typeof processSandbox>>;
  beforeAll(async () => {
    sandbox = await processSandbox('upload-memory', { MAX_UPLOAD_BYTES: String(25 * MiB) });
    server = await sandbox.start();
  });
  afterAll(() => sandbox?.cleanup());

  it('is refused while it streams, and the server’s memory does not grow with the file', async () => {
    const user = await registerUser(server.url);
    const pid = server.child.pid!;
    // Warm up (code paths, buffers), then measure from a settled baseline.
    expect((await streamUpload(server.url, user.token, 30 * MiB, pid)).status).toBe(413);
    const baseline = rss(pid);
    const huge = await streamUpload(server.url, user.token, 200 * MiB, pid);
    expect(huge.status).toBe(413);
    // Answered once the limit was crossed, long before the 200 MiB were sent (socket buffers aside).
    expect(huge.sent).toBeLessThan(64 * MiB);
    const growth = huge.peakRss - baseline;
    // eslint-disable-next-line no-console
    console.info(
      `upload memory: sent ${huge.sent / MiB} MiB before the 413; RSS ${(baseline / MiB).toFixed(0)} MiB → peak ${(huge.peakRss / MiB).toFixed(0)} MiB`,
    );
    expect(growth).toBeLessThan(32 * MiB);
    const listed = await fetch(`${server.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${user.token}` } });
    expect(listed.status).toBe(200);
  });
});
