import { afterAll, describe, expect, it } from 'vitest';
import { base64UrlBytes } from '@confab/client';
import { type TestServer, registerUser, startServer } from '../harness.js';
import { PushEndpoint } from '../push-endpoint.js';

/** The SDK's Web Push calls (`client.push`) against a real server; delivery itself is in web-push.test.ts. */
describe('SDK: client.push', () => {
  let t: TestServer;
  const pushes = PushEndpoint.start();
  afterAll(async () => {
    await t?.close();
    await (await pushes).close();
  });

  it('reads the VAPID key as the 65 bytes of a P-256 point, subscribes and unsubscribes', async () => {
    t = await startServer({ PUSH_ALLOW_HTTP: 'true', PUSH_ALLOWED_HOSTS: '127.0.0.1', PUSH_ALLOW_PRIVATE_ADDRESSES: 'true' });
    const user = await registerUser(t.url, 'sdkpush');
    const { publicKey } = await user.client.push.vapidPublicKey();
    const key = base64UrlBytes(publicKey);
    expect(key).toHaveLength(65);
    expect(key[0]).toBe(4); // uncompressed point
    expect(Buffer.from(key).toString('base64url')).toBe(publicKey);

    // toJSON() of a browser's subscription carries expirationTime too: the SDK leaves it out.
    const subscription = { ...(await pushes).subscription(`sdk-${user.id}`), expirationTime: null };
    expect(await user.client.push.subscribe(subscription)).toEqual({ subscription: { endpoint: subscription.endpoint } });
    expect(await user.client.push.unsubscribe(subscription.endpoint)).toEqual({ removed: true });
    expect(await user.client.push.unsubscribe(subscription.endpoint)).toEqual({ removed: true }); // the same answer: nothing is told
  });
});
