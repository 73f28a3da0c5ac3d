import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { requireService } from '../../test/services.js';
import { s3Service, startS3 } from '../../test/s3.js';
import { describeBlobStoreConformance } from './blob-store.conformance.js';
import { BlobStoreUnavailable } from './blob-unavailable.js';
import { S3BlobStore } from './s3-blob-store.js';

const describeS3 = await requireService(s3Service);

describeS3('S3 blob store', () => {
  describeBlobStoreConformance('s3', async () => {
    const s3 = await startS3();
    const store = new S3BlobStore(s3.settings);
    return {
      store,
      dispose: async () => {
        await store.close();
        await s3.close();
      },
    };
  });
});

describeS3('S3 blob store, the endpoint down or failing', () => {
  const calls = (store: S3BlobStore) => ({
    put: () => store.put('k1', Readable.from([Buffer.from('bytes')])),
    get: () => store.get('k1'),
    stat: () => store.stat('k1'),
    delete: () => store.delete('k1'),
    ping: () => store.ping(),
  });

  // Stopping the server is only possible for the in-process s3rver.
  it.skipIf(process.env.CONFAB_TEST_S3_ENDPOINT !== undefined)(
    'answers 503 unavailable for every call when the S3 server is stopped',
    async () => {
      const s3 = await startS3();
      const store = new S3BlobStore(s3.settings);
      await store.put('k1', Readable.from([Buffer.from('kept')]));
      await s3.close();
      try {
        for (const [name, call] of Object.entries(calls(store))) {
          const error = await call().then(
            () => new Error(`${name} succeeded`),
            (e: unknown) => e,
          );
          expect(error, name).toBeInstanceOf(BlobStoreUnavailable);
          expect(error, name).toMatchObject({ code: 'unavailable', status: 503 });
        }
      } finally {
        await store.close();
      }
    },
  );

  it('answers 503 unavailable when the endpoint fails on its side (5xx), and keeps a 4xx what it is', async () => {
    let status = 503;
    const server = createServer((request, response) => {
      request.resume();
      response.writeHead(status, { 'content-type': 'application/xml' });
      response.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>Failing</Code><Message>no</Message></Error>`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const store = new S3BlobStore({
      endpoint: `http://127.0.0.1:${port}`,
      bucket: 'b',
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      forcePathStyle: true,
    });
    try {
      for (const [name, call] of Object.entries(calls(store))) {
        await expect(call(), name).rejects.toBeInstanceOf(BlobStoreUnavailable);
      }
      status = 403;
      const refused = await store.ping().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeDefined();
      expect(refused).not.toBeInstanceOf(BlobStoreUnavailable);
    } finally {
      await store.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
