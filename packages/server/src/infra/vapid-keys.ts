import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import webpush from 'web-push';
import type { Store } from '../store/store.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY when set. Otherwise a pair generated once and kept: on
 * SQLite (one node) in DATA_DIR/vapid-keys.json (0600), as the token secret is; on PostgreSQL or MySQL in
 * the shared database (`server_keys`, the first node's pair wins), since every node must push
 * with the key browsers subscribed with (docs/decisions/0007-notification-outbox.md).
 */
export async function resolveVapidKeys(
  configured: { vapidPublicKey: string | null; vapidPrivateKey: string | null },
  store: Store,
  dataDir: string,
): Promise<VapidKeys> {
  if (configured.vapidPublicKey !== null && configured.vapidPrivateKey !== null) {
    return { publicKey: configured.vapidPublicKey, privateKey: configured.vapidPrivateKey };
  }
  if (store.engine !== 'sqlite') {
    const kept = await store.push.keepServerKey('vapid', JSON.stringify(webpush.generateVAPIDKeys()), Date.now());
    return parse(kept);
  }
  const file = path.join(dataDir, 'vapid-keys.json');
  if (existsSync(file)) return parse(readFileSync(file, 'utf8'));
  mkdirSync(dataDir, { recursive: true });
  const keys = webpush.generateVAPIDKeys();
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600, flag: 'wx' });
  return keys;
}

function parse(text: string): VapidKeys {
  const { publicKey, privateKey } = JSON.parse(text) as Partial<VapidKeys>;
  if (typeof publicKey !== 'string' || typeof privateKey !== 'string') throw new Error('the kept VAPID key pair is unreadable');
  return { publicKey, privateKey };
}
