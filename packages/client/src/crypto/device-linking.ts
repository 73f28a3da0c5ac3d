import { type DeviceLink, type DeviceLinkCreated, type DeviceLinkList, type DeviceLinkTaken, type UserDevices } from '@confab/protocol';
import { FileCalls } from '../files.js';
import type { HttpTransport } from '../http.js';
import { base64UrlBytes } from '../push.js';
import { packBytes, unpackBytes } from './byte-packing.js';
import { type DeviceManager } from './device-manager.js';
import { EncryptionError } from './encryption-error.js';
import type { DeviceKeys } from './group-engine.js';
import { makeHistoryShare, takeHistoryShare } from './history-share.js';

/** A request of mine as another device of mine sees it: the code to compare with the new device's. */
export interface PendingDeviceLink {
  id: string;
  deviceName: string;
  code: string;
  createdAt: string;
  expiresAt: string;
}

/** This device's request: show `code`, then `complete` waits for the answer. */
export interface DeviceLinkRequest {
  id: string;
  code: string;
  expiresAt: string;
}

export class DeviceLinkError extends Error {
  constructor(
    readonly code: 'link_declined' | 'link_expired' | 'link_mismatch' | 'no_link_request',
    message: string,
  ) {
    super(message);
    this.name = 'DeviceLinkError';
  }
}

const INFO = utf8('confab.device-link.v1');
const KEYS = { request: 'link-request' };
const path = (id?: string, action?: string) => `/api/v1/device-links${id ? `/${encodeURIComponent(id)}` : ''}${action ? `/${action}` : ''}`;

/**
 * Device linking (issue 39 part 4, decision 0027): a new device gets my identity key from a device
 * of mine that has it. The new device keeps an ephemeral HPKE key (the MLS suite's X25519 KEM) and
 * publishes its public half; the other device, once the person has compared the code both show
 * (derived from that public key, so a key the server swapped shows another code), seals the
 * identity key to it. The new device opens it, checks it is the identity key my signed list names,
 * and enables itself as a device that key signs, then joins my encrypted conversations by
 * external commit. With the key comes the history share (history-share.ts): the texts the
 * approving device decrypted, the newest sealed together with it, the older in an encrypted file
 * whose key is sealed with it. The server relays only sealed bytes and ciphertext.
 */
export class DeviceLinking {
  constructor(
    private readonly http: HttpTransport,
    private readonly devices: DeviceManager,
    /** Once enabled, the new device joins my encrypted conversations (client.joinEncryptedConversations). */
    private readonly joinConversations: () => Promise<unknown> = async () => undefined,
    /** Uploads and downloads the older part of a history share (plain file calls: the share is encrypted here). */
    private files?: FileCalls,
  ) {}

  /** On the new device: asks for my identity key. Its private key waits in the crypto store. */
  async request(deviceName: string): Promise<DeviceLinkRequest> {
    const hpke = await suiteHpke();
    const pair = await hpke.generateKeyPair();
    const publicKey = await hpke.exportPublicKey(pair.publicKey);
    const { link } = await this.http.request<DeviceLinkCreated>('POST', path(), { body: { deviceName, publicKey: b64(publicKey) } });
    await this.devices.store.put(KEYS.request, packBytes([utf8(link.id), await hpke.exportPrivateKey(pair.privateKey)]));
    return { id: link.id, code: await linkCode(publicKey), expiresAt: link.expiresAt };
  }

  /**
   * On the new device: waits (asking every `pollMs`) until a device of mine answers, takes the
   * sealed key, checks it and enables this device under it. Declined or expired: throws.
   */
  async complete(id: string, options: { deviceName: string; pollMs?: number; signal?: AbortSignal }): Promise<{ deviceId: string }> {
    const kept = await this.devices.store.get(KEYS.request);
    const [keptId, privateKey] = kept ? (unpackBytes(kept, 2) as [Uint8Array, Uint8Array]) : [];
    if (!keptId || !privateKey || fromUtf8(keptId) !== id)
      throw new DeviceLinkError('no_link_request', 'This device did not ask for that link');
    let link = await this.get(id);
    while (link.state === 'pending') {
      if (Date.parse(link.expiresAt) <= Date.now()) throw new DeviceLinkError('link_expired', 'Nobody answered the link request in time');
      await delay(options.pollMs ?? 1000, options.signal);
      link = await this.get(id);
    }
    if (link.state === 'declined') throw new DeviceLinkError('link_declined', 'The link request was declined on my other device');
    const taken = await this.http.request<DeviceLinkTaken>('POST', path(id, 'take'));
    const { identity, history } = await openAnswer(privateKey, taken.sealed, aad(await this.myId(), id));
    await this.checkPublished(identity);
    await this.devices.adoptIdentity(identity);
    // The history share came sealed with the identity key: only a device holding it made it.
    await takeHistoryShare(this.devices.store, this.fileCalls(), history);
    await this.devices.store.delete(KEYS.request);
    const enabled = await this.devices.enable({ deviceName: options.deviceName });
    await this.joinConversations();
    return enabled;
  }

  /** On a device that holds my identity key: the requests waiting for it, each with its code. */
  async pending(): Promise<PendingDeviceLink[]> {
    const { links } = await this.http.request<DeviceLinkList>('GET', path());
    return Promise.all(
      links.map(async (l) => ({
        id: l.id,
        deviceName: l.deviceName,
        code: await linkCode(base64UrlBytes(l.publicKey)),
        createdAt: l.createdAt,
        expiresAt: l.expiresAt,
      })),
    );
  }

  /** Seals my identity key to the request's key and answers it. Only after the person compared the codes. */
  async approve(id: string): Promise<void> {
    const self = await this.devices.self();
    const identity = await this.devices.identityKeys();
    if (!identity) throw new EncryptionError('not_enabled', 'This device does not hold my identity key');
    await this.checkPublished(identity);
    const link = await this.get(id);
    const hpke = await suiteHpke();
    const { ct, enc } = await hpke.seal(
      await hpke.importPublicKey(base64UrlBytes(link.publicKey)),
      packBytes([
        identity.signaturePublicKey,
        identity.signaturePrivateKey,
        await makeHistoryShare(this.devices.store, this.http, this.fileCalls()),
      ]),
      INFO,
      aad(self.userId, id),
    );
    await this.http.request('POST', path(id, 'approve'), { body: { deviceId: self.deviceId, sealed: b64(packBytes([enc, ct])) } });
  }

  private fileCalls(): FileCalls {
    return (this.files ??= new FileCalls(this.http));
  }

  async decline(id: string): Promise<void> {
    await this.http.request('POST', path(id, 'decline'));
  }

  private async get(id: string): Promise<DeviceLink> {
    return (await this.http.request<DeviceLinkCreated>('GET', path(id))).link;
  }

  private async myId(): Promise<string> {
    return (await this.http.request<{ id: string }>('GET', '/api/v1/users/me')).id;
  }

  /** The identity key must be the one my published list is signed with, and a working pair. */
  private async checkPublished(identity: DeviceKeys): Promise<void> {
    const me = await this.myId();
    const published = await this.http.request<UserDevices>('GET', `/api/v1/users/${encodeURIComponent(me)}/devices`);
    const engine = await this.devices.engine();
    const probe = utf8('confab.device-link.v1 probe');
    const works = await engine.verify(identity.signaturePublicKey, probe, await engine.sign(identity.signaturePrivateKey, probe));
    if (!works || published.identity?.identityKey !== b64(identity.signaturePublicKey)) {
      throw new DeviceLinkError('link_mismatch', 'The identity key is not the one my device list is signed with');
    }
  }
}

/** Six digits from the request's public key, shown on both devices as "123 456". */
export async function linkCode(publicKey: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', packBytes([INFO, publicKey]) as Uint8Array<ArrayBuffer>));
  const n = new DataView(digest.buffer).getUint32(0) % 1_000_000;
  const digits = String(n).padStart(6, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}

async function openAnswer(
  privateKey: Uint8Array,
  sealed: string,
  additional: Uint8Array,
): Promise<{ identity: DeviceKeys; history: Uint8Array }> {
  const hpke = await suiteHpke();
  try {
    const [enc, ct] = unpackBytes(base64UrlBytes(sealed), 2) as [Uint8Array, Uint8Array];
    const opened = await hpke.open(await hpke.importPrivateKey(privateKey), enc, ct, INFO, additional);
    const [signaturePublicKey, signaturePrivateKey, history] = unpackBytes(opened, 3) as [Uint8Array, Uint8Array, Uint8Array];
    return { identity: { signaturePublicKey, signaturePrivateKey }, history };
  } catch {
    throw new DeviceLinkError('link_mismatch', 'The answer could not be opened with this request’s key');
  }
}

/** The MLS suite's HPKE (X25519, HKDF-SHA256, AES-128-GCM), loaded with ts-mls only when linking. */
async function suiteHpke() {
  const [{ getCiphersuiteImpl }, { getCiphersuiteFromName }, { CONFAB_CIPHERSUITE }] = await Promise.all([
    import('ts-mls/crypto/getCiphersuiteImpl.js'),
    import('ts-mls/crypto/ciphersuite.js'),
    import('./mls-engine.js'),
  ]);
  return (await getCiphersuiteImpl(getCiphersuiteFromName(CONFAB_CIPHERSUITE))).hpke;
}

/** Binds the sealed key to this user and this link: an answer moved to another request does not open. */
const aad = (userId: string, linkId: string) => utf8(`${userId}:${linkId}`);

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true });
  });
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
function fromUtf8(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
function b64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}
