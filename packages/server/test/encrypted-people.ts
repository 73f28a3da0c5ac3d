import { ConfabClient, type CryptoStore, memoryCryptoStore } from '@confab/client';
import { NodeWebSocket, uniqueName } from './harness.js';

/** A new account whose SDK client is an encryption device (issue 39), its keys in memory. */
export interface EncryptedPerson {
  client: ConfabClient;
  store: CryptoStore;
  id: string;
  token: string;
}

/** Registers `prefix…` on the server at `url` and enables encryption on a device named `prefix`. */
export async function encryptedPerson(url: string, prefix: string, fetchImpl: typeof fetch = fetch): Promise<EncryptedPerson> {
  const store = memoryCryptoStore();
  const client = new ConfabClient({ baseUrl: url, fetch: fetchImpl, crypto: { store }, WebSocket: NodeWebSocket });
  const auth = await client.register({ username: uniqueName(prefix), password: 'correct horse battery' });
  await client.enableEncryption({ deviceName: prefix });
  return { client, store, id: auth.user.id, token: auth.accessToken };
}
