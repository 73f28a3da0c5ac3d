import { ClientEncryption } from './client-encryption.js';
import { FileCalls } from './files.js';
import { HttpTransport, type HttpOptions } from './http.js';
import type { RealtimeOptions } from './realtime.js';
import type { CryptoStore } from './crypto/crypto-store.js';

export interface ConfabClientOptions extends HttpOptions {
  /** WebSocket constructor; defaults to the platform's: the global one, or `ws` in Node 20. */
  WebSocket?: RealtimeOptions['WebSocket'];
  /**
   * End-to-end encryption: where this device keeps its keys and MLS state (`memoryCryptoStore()`).
   * In a browser the default is IndexedDB, one database per signed-in user (`confab-crypto:<userId>`);
   * elsewhere, without a store, the client only sees envelopes.
   */
  crypto?: { store: CryptoStore };
}

/**
 * What `ConfabClient`'s own methods share: the transport, the file calls and this device's
 * encryption. The groups of those methods (`*-calls.ts`) extend it to be typed against it; only
 * `ConfabClient` is ever made (client.ts).
 */
export abstract class ClientBase {
  readonly http: HttpTransport;
  /** Uploads, downloads (with ranges) and thumbnails. */
  readonly files: FileCalls;
  /** This device's end-to-end encryption, its parts made on first use. */
  protected readonly e2e: ClientEncryption;

  constructor(options: ConfabClientOptions) {
    this.http = new HttpTransport(options);
    // An upload for an encrypted conversation is encrypted first (the uploader is read only at upload time).
    this.files = new FileCalls(this.http, (conversationId, file, name, transfer) =>
      this.e2e.encryptedUpload(this.files, conversationId, file, name, transfer),
    );
    this.e2e = new ClientEncryption(this.http, options.crypto?.store);
  }
}
