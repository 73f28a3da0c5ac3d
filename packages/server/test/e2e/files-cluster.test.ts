import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { useCluster } from '../cluster.js';
import { createGroup } from '../factories.js';
import { fetchBytes, png, uploadRaw } from '../files.js';
import { api, registerUser } from '../harness.js';
import { postgresService, redisService, requireService } from '../services.js';

const describeCluster = await requireService(postgresService, redisService);

/**
 * Files across nodes (issue 11): three `confab serve` processes on one PostgreSQL schema, with no
 * blob setting at all, so the PostgreSQL blob driver is chosen and the nodes share the bytes
 * with no extra service. A file uploaded to one node is read, ranged and thumbnailed on the others.
 */
describeCluster('files in a three-node cluster (PostgreSQL blobs)', () => {
  const cluster = useCluster({ nodes: 3 }, 150_000);

  const nodeUrl = (index: number) => cluster().nodes[index]!.url;

  it('serves a file uploaded to one node from every other', async () => {
    const alice = await registerUser(nodeUrl(0));
    const bob = await registerUser(nodeUrl(1));
    const image = await png(900, 300);
    const created = await uploadRaw(nodeUrl(0), alice.token, image, { filename: 'wide.png' });
    expect(created.status).toBe(201);
    const id = created.body.upload.id as string;
    const group = await createGroup(alice, [bob]);
    const sent = await api(nodeUrl(0), 'POST', `/api/v1/conversations/${group.id}/messages`, {
      token: alice.token,
      body: { clientId: 'c1', kind: 'attachment', attachmentIds: [id] },
    });
    expect(sent.status).toBe(201);
    for (const index of [1, 2]) {
      const whole = await fetchBytes(nodeUrl(index), bob.token, `/api/v1/uploads/${id}`);
      expect(whole.status, `node ${index}`).toBe(200);
      expect(createHash('sha256').update(whole.bytes).digest('hex')).toBe(created.body.upload.sha256);
      const part = await fetchBytes(nodeUrl(index), bob.token, `/api/v1/uploads/${id}`, { range: 'bytes=100-199' });
      expect(part.bytes.equals(image.subarray(100, 200))).toBe(true);
      const thumbnail = await fetchBytes(nodeUrl(index), bob.token, `/api/v1/uploads/${id}/thumbnail`);
      expect([thumbnail.status, thumbnail.headers.get('content-type')]).toEqual([200, 'image/webp']);
    }
    const readiness = await fetch(`${nodeUrl(2)}/readyz`);
    expect(await readiness.json()).toMatchObject({ checks: { store: 'ok', bus: 'ok', blobs: 'ok' } });
  });
});
