import { requireService } from '../../test/services.js';
import { s3Service, startS3 } from '../../test/s3.js';
import { describeBlobStoreConformance } from './blob-store.conformance.js';
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
