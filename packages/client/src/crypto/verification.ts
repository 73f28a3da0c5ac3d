import { packBytes, unpackBytes } from './byte-packing.js';
import type { CryptoStore } from './crypto-store.js';

/**
 * Whether I verified a person (issue 39, decision 0027 part 6), as this device remembers it:
 * - `unverified`: their identity key is the one first seen here (trust on first use), never verified;
 * - `verified`: I compared our safety number and marked them verified, and their key is still that one;
 * - `changed`: the key they publish now is not the one verified, or first seen: shown as a
 *   warning until I verify them again (`markVerified`), never accepted silently.
 */
export type Verification = 'unverified' | 'verified' | 'changed';

/** A person's verification moved (a key change seen, a mark): what the app shows next. */
export interface VerificationChange {
  userId: string;
  state: Verification;
  /** The identity key they publish now (base64url). */
  identityKey: string;
}

/**
 * One record a person, `verification:<userId>` in the device's `CryptoStore` (so it lives in
 * IndexedDB in a browser, shared by its tabs): the key trusted (first seen, or verified), whether
 * I verified it, and the last other key seen (so a change is announced once, not at every look).
 */
interface Kept {
  trustedKey: string;
  verified: boolean;
  changedTo: string;
}

const KEY = (userId: string) => `verification:${userId}`;

export class Verifications {
  private readonly handlers = new Set<(change: VerificationChange) => void>();
  /** One read-and-write at a time in this client: two looks at a new key (an event and a card) announce it once. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: CryptoStore) {}

  /** Calls `handler` on each change of someone's state seen by this client; returns the function that removes it. */
  onChange(handler: (change: VerificationChange) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /**
   * Reads someone's state against the identity key they publish now. The first key seen is kept
   * (trust on first use); a different one is `changed`, announced the first time it is seen.
   */
  observe(userId: string, identityKey: string): Promise<Verification> {
    return this.serially(() => this.compare(userId, identityKey));
  }

  private async compare(userId: string, identityKey: string): Promise<Verification> {
    const record = await this.read(userId);
    if (!record) {
      await this.write(userId, { trustedKey: identityKey, verified: false, changedTo: '' });
      return 'unverified';
    }
    if (record.trustedKey === identityKey) {
      // Back to the trusted key (a list signed by it again): whatever was announced no longer holds.
      if (record.changedTo !== '') {
        await this.write(userId, { ...record, changedTo: '' });
        this.emit({ userId, state: stateOf(record), identityKey });
      }
      return stateOf(record);
    }
    if (record.changedTo !== identityKey) {
      await this.write(userId, { ...record, changedTo: identityKey });
      this.emit({ userId, state: 'changed', identityKey });
    }
    return 'changed';
  }

  /** The state as last seen here, without asking the server (`unverified` for someone never seen). */
  async known(userId: string): Promise<Verification> {
    const record = await this.read(userId);
    if (!record) return 'unverified';
    return record.changedTo !== '' ? 'changed' : stateOf(record);
  }

  /** Marks `identityKey` (the one their safety number was computed from) as verified. */
  markVerified(userId: string, identityKey: string): Promise<void> {
    return this.serially(async () => {
      await this.write(userId, { trustedKey: identityKey, verified: true, changedTo: '' });
      this.emit({ userId, state: 'verified', identityKey });
    });
  }

  /** Withdraws my verification: their current key stays trusted on first use. */
  markUnverified(userId: string, identityKey: string): Promise<void> {
    return this.serially(async () => {
      await this.write(userId, { trustedKey: identityKey, verified: false, changedTo: '' });
      this.emit({ userId, state: 'unverified', identityKey });
    });
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const done = this.queue.then(work);
    this.queue = done.catch(() => undefined);
    return done;
  }

  private emit(change: VerificationChange): void {
    for (const handler of this.handlers) handler(change);
  }

  private async read(userId: string): Promise<Kept | undefined> {
    const packed = await this.store.get(KEY(userId));
    if (!packed) return undefined;
    const [trustedKey, verified, changedTo] = unpackBytes(packed, 3) as [Uint8Array, Uint8Array, Uint8Array];
    return { trustedKey: fromUtf8(trustedKey), verified: verified[0] === 1, changedTo: fromUtf8(changedTo) };
  }

  private write(userId: string, record: Kept): Promise<void> {
    return this.store.put(
      KEY(userId),
      packBytes([utf8(record.trustedKey), new Uint8Array([record.verified ? 1 : 0]), utf8(record.changedTo)]),
    );
  }
}

const stateOf = (record: Kept): Verification => (record.verified ? 'verified' : 'unverified');
const utf8 = (text: string) => new TextEncoder().encode(text);
const fromUtf8 = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
