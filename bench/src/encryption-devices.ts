/**
 * The encryption phase's devices: each a user registered through the SDK with one device of its
 * own (`memoryCryptoStore()`, `enableEncryption`: keys, signed list, 20 KeyPackages + a last-resort
 * one), its HTTP calls and frames metered (encryption-wire.ts), and a live connection that reports
 * the decrypted messages it emits. `readers` waits until some devices have emitted one text.
 */
import { ConfabClient, type CryptoStore, type RealtimeConnection, memoryCryptoStore } from '@confab/client';
import type { Message } from '@confab/protocol';
import { DeviceMeter } from './encryption-wire.js';
import { BENCH_PASSWORD } from './setup.js';
import { mapPool, round } from './stats.js';

export interface BenchDevice {
  index: number;
  userId: string;
  client: ConfabClient;
  store: CryptoStore;
  meter: DeviceMeter;
  /** `enableEncryption`'s time (ms): device keys, registration, signed list, 21 KeyPackages. */
  enableMs: number;
  live: RealtimeConnection | null;
  /** Each emitted `message.created`, as the application sees it (decrypted, or an envelope without body). */
  onMessage: ((message: Message, at: number) => void) | null;
}

/** Registers `count` users `<prefix>0…`, each enabling encryption on a device of its own, `concurrency` at a time. */
export async function makeDevices(baseUrl: string, prefix: string, count: number, concurrency: number): Promise<BenchDevice[]> {
  return mapPool(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    async (index) => {
      const meter = new DeviceMeter();
      const store = memoryCryptoStore();
      const client = new ConfabClient({ baseUrl, fetch: meter.fetch, WebSocket: meter.WebSocket, crypto: { store } });
      const auth = await client.register({ username: `${prefix}${index}`, password: BENCH_PASSWORD });
      const started = performance.now();
      await client.enableEncryption({ deviceName: `bench ${index}` });
      return {
        index,
        userId: auth.user.id,
        client,
        store,
        meter,
        enableMs: round(performance.now() - started, 1),
        live: null,
        onMessage: null,
      };
    },
  );
}

/** Opens each device's live connection (`concurrency` handshakes at a time), its messages passed to `onMessage`. */
export async function connectDevices(devices: readonly BenchDevice[], concurrency: number): Promise<void> {
  await mapPool(devices, concurrency, async (device) => {
    const live = device.client.connect();
    live.on('message.created', ({ message }) => device.onMessage?.(message, performance.now()));
    device.live = live;
    await live.ready();
  });
}

export function closeDevices(devices: readonly BenchDevice[]): void {
  for (const device of devices) {
    device.live?.close();
    device.live = null;
    device.onMessage = null;
  }
}

export interface Readers {
  /** When each device emitted the text decrypted (performance.now()), by the device's place in the list. */
  readAt: (number | undefined)[];
  /** Devices that emitted the message as an envelope without body: it could not be decrypted there. */
  unreadable: number;
  /** Resolves once every device has emitted the message (read or not), or rejects after `timeoutMs`. */
  done: Promise<void>;
}

/**
 * Watches `devices` for the message with `clientId` in `conversationId`: the time each emits it
 * with `text` as its body. Armed before the send, so no emission is missed.
 */
export function readers(
  devices: readonly BenchDevice[],
  conversationId: () => string | undefined,
  clientId: string,
  text: string,
  timeoutMs: number,
): Readers {
  const result: Readers = { readAt: devices.map(() => undefined), unreadable: 0, done: Promise.resolve() };
  let left = devices.length;
  let finish = () => {};
  let fail = (_error: Error) => {};
  result.done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  if (left === 0) finish();
  const timer = setTimeout(() => {
    const missing = seen.filter((s) => !s).length;
    fail(new Error(`${missing} of ${devices.length} devices had not received "${text.slice(0, 20)}…" after ${timeoutMs} ms`));
  }, timeoutMs);
  const seen = devices.map(() => false);
  devices.forEach((device, i) => {
    device.onMessage = (message, at) => {
      if (message.conversationId !== conversationId() || message.clientId !== clientId || seen[i]) return;
      seen[i] = true;
      if (message.body === text) result.readAt[i] = at;
      else result.unreadable += 1;
      if (--left === 0) {
        clearTimeout(timer);
        finish();
      }
    };
  });
  return result;
}

/** Bytes a device's crypto store keeps under `key`, and under every key naming the conversation. */
export async function storedBytes(store: CryptoStore, conversationId: string): Promise<{ group: number; conversation: number }> {
  const group = (await store.get(`group:${conversationId}`))?.length ?? 0;
  let conversation = 0;
  for (const key of await store.keys('')) {
    if (!key.includes(conversationId)) continue;
    conversation += (await store.get(key))?.length ?? 0;
  }
  return { group, conversation };
}
