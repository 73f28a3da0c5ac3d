import { type InstanceConfig, MAX_HISTORY_SHARE_BYTES } from '@confab/protocol';
import type { FileCalls } from '../files.js';
import type { HttpTransport } from '../http.js';
import { packBytes, unpackBytes } from './byte-packing.js';
import type { CryptoStore } from './crypto-store.js';
import { downloadEncrypted, uploadOneEncrypted } from './encrypted-files.js';
import { type EncryptedFileRef, isFileRef } from './file-crypto.js';

/**
 * The history share a device of mine hands a new device of mine when it approves the link
 * (device-linking.ts): the texts it decrypted (`plain:`) and what a result shows of each
 * (`about:`), newest first, so the new device reads what was sent before it joined.
 *
 * The newest go inside the sealed answer, up to `MAX_HISTORY_SHARE_BYTES` (the server's limit on
 * an answer). Whatever is older goes as one encrypted file (AES-256-GCM under a fresh key, as an
 * attachment of an encrypted conversation: the server holds ciphertext), up to the instance's
 * largest upload; the answer carries that file's ref (key, IV, hash) as one more pair,
 * `share-file`, which a device of an older SDK skips. A share that cannot be uploaded (quota, a
 * network error) is the inline part alone: the older messages stay the placeholder there.
 */
const SHARE_FILE_KEY = 'share-file';
/** Room kept inside the answer for the file's ref. */
const REF_ROOM = 1024;

/** A history share's key/value pairs, newest first: one or two pairs per message (its text, what a result shows). */
type Entry = [string, Uint8Array][];

export async function makeHistoryShare(store: CryptoStore, http: HttpTransport, files: FileCalls): Promise<Uint8Array> {
  const entries = await historyEntries(store);
  const { taken: inline, rest } = fill(entries, MAX_HISTORY_SHARE_BYTES - REF_ROOM);
  const parts = inline.flat();
  if (rest.length > 0) {
    const ref = await uploadOlder(rest, http, files).catch(() => undefined);
    if (ref) parts.push([SHARE_FILE_KEY, new TextEncoder().encode(JSON.stringify(ref))]);
  }
  return packPairs(parts);
}

/** Keeps what a share holds in this device's store, the older part's file downloaded and checked first. */
export async function takeHistoryShare(store: CryptoStore, files: FileCalls, share: Uint8Array): Promise<void> {
  const pairs = unpackPairs(share);
  const ref = pairs.find(([key]) => key === SHARE_FILE_KEY)?.[1];
  if (ref) {
    const parsed = parseRef(ref);
    // A file that cannot be had (gone, or not the one sealed) leaves its messages the placeholder.
    const older = parsed && (await downloadEncrypted(files, parsed).catch(() => undefined));
    if (older) pairs.push(...unpackPairs(new Uint8Array(await older.arrayBuffer())));
  }
  for (const [key, value] of pairs) if (/^(plain|about):/.test(key)) await store.put(key, value);
}

async function historyEntries(store: CryptoStore): Promise<Entry[]> {
  const seqOf = (key: string) => Number(key.slice(key.lastIndexOf(':') + 1));
  const keys = (await store.keys('plain:')).sort((a, b) => seqOf(b) - seqOf(a));
  const entries: Entry[] = [];
  for (const key of keys) {
    const about = 'about:' + key.slice('plain:'.length);
    const [text, shown] = [await store.get(key), await store.get(about)];
    if (!text) continue;
    entries.push(
      shown
        ? [
            [key, text],
            [about, shown],
          ]
        : [[key, text]],
    );
  }
  return entries;
}

/** The entries, in order, that fit in `limit` packed bytes, and the rest. */
function fill(entries: readonly Entry[], limit: number): { taken: Entry[]; rest: Entry[] } {
  let size = 0;
  for (let i = 0; i < entries.length; i++) {
    const bytes = entries[i]!.reduce((n, [key, value]) => n + 8 + new TextEncoder().encode(key).length + value.length, 0);
    if (size + bytes > limit) return { taken: entries.slice(0, i), rest: entries.slice(i) };
    size += bytes;
  }
  return { taken: [...entries], rest: [] };
}

/** The older entries as one encrypted upload, as many as the instance's largest upload holds (the GCM tag aside). */
async function uploadOlder(rest: readonly Entry[], http: HttpTransport, files: FileCalls): Promise<EncryptedFileRef> {
  const { maxUploadBytes } = await http.request<InstanceConfig>('GET', '/api/v1/config', { auth: false });
  const { taken } = fill(rest, maxUploadBytes - 16);
  const data = packPairs(taken.flat());
  return (await uploadOneEncrypted(files, { data, name: 'history-share', type: 'application/octet-stream' })).ref;
}

function parseRef(bytes: Uint8Array): EncryptedFileRef | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return isFileRef(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function packPairs(pairs: readonly [string, Uint8Array][]): Uint8Array {
  return packBytes(pairs.flatMap(([key, value]) => [new TextEncoder().encode(key), value]));
}

/** A share's key/value pairs (packed one after the other). */
function unpackPairs(history: Uint8Array): [string, Uint8Array][] {
  const view = new DataView(history.buffer, history.byteOffset, history.byteLength);
  let count = 0;
  for (let at = 0; at + 4 <= history.length; at += 4 + view.getUint32(at)) count++;
  const parts = unpackBytes(history, count);
  const pairs: [string, Uint8Array][] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) pairs.push([new TextDecoder().decode(parts[i]!), parts[i + 1]!]);
  return pairs;
}
