import { createECDH, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importJWK, jwtVerify } from 'jose';

/** A browser's side of a push subscription: its P-256 key pair and auth secret. */
export interface TestSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface ReceivedPush {
  /** The subscription (by endpoint path) it was sent to. */
  path: string;
  /** The VAPID JWT verified with the expected public key: its claims, or the verification error. */
  vapid: { ok: true; claims: Record<string, unknown>; k: string } | { ok: false; error: string };
  ttl: string | undefined;
  /** The aes128gcm payload decrypted with the subscription's private key (RFC 8291), parsed. */
  payload: any;
}

/**
 * A local push service for the Web Push tests: it hands out subscriptions (a fresh ECDH key pair
 * each), and for each push it verifies the VAPID `Authorization` header (`vapid t=<JWT>,
 * k=<key>`, an ES256 JWT checked with the server's public key) and decrypts the body. Paths in
 * `gone` answer 410, as a push service does for an expired subscription.
 */
export class PushEndpoint {
  readonly received: ReceivedPush[] = [];
  readonly gone = new Set<string>();
  private readonly browsers = new Map<string, { ecdh: ReturnType<typeof createECDH>; auth: Buffer }>();
  vapidPublicKey = '';

  private constructor(private readonly server: Server) {}

  static async start(): Promise<PushEndpoint> {
    const self: { endpoint?: PushEndpoint } = {};
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        void endpoint!
          .receive(request.url ?? '', request.headers, Buffer.concat(chunks))
          .then((status) => response.writeHead(status).end());
      });
    });
    const endpoint = (self.endpoint = new PushEndpoint(server));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return endpoint;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A new browser subscription at `/push/<name>`. */
  subscription(name: string): TestSubscription {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    this.browsers.set(`/push/${name}`, { ecdh, auth });
    return {
      endpoint: `${this.origin}/push/${name}`,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
    };
  }

  to(name: string): ReceivedPush[] {
    return this.received.filter((p) => p.path === `/push/${name}`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async receive(path: string, headers: Record<string, string | string[] | undefined>, body: Buffer): Promise<number> {
    const browser = this.browsers.get(path);
    if (!browser) return 404;
    this.received.push({
      path,
      vapid: await this.verifyVapid(String(headers['authorization'] ?? '')),
      ttl: headers['ttl'] as string | undefined,
      payload:
        headers['content-encoding'] === 'aes128gcm' ? JSON.parse(decrypt(body, browser.ecdh, browser.auth).toString('utf8')) : undefined,
    });
    return this.gone.has(path) ? 410 : 201;
  }

  private async verifyVapid(authorization: string): Promise<ReceivedPush['vapid']> {
    try {
      const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization);
      if (!match) throw new Error(`not a vapid authorization: ${authorization}`);
      const [, token, k] = match as unknown as [string, string, string];
      if (k !== this.vapidPublicKey) throw new Error('k is not the server public key');
      const point = Buffer.from(this.vapidPublicKey, 'base64url');
      const key = await importJWK(
        { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') },
        'ES256',
      );
      const { payload } = await jwtVerify(token, key, { algorithms: ['ES256'], audience: this.origin });
      return { ok: true, claims: payload as Record<string, unknown>, k };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }
}

/** RFC 8291 (Web Push message encryption) over RFC 8188 aes128gcm, one record: the receiving browser's side. */
export function decrypt(body: Buffer, ecdh: ReturnType<typeof createECDH>, authSecret: Buffer): Buffer {
  const salt = body.subarray(0, 16);
  const idLength = body[20]!;
  const senderKey = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  const shared = ecdh.computeSecret(senderKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ecdh.getPublicKey(), senderKey]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, authSecret, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // The last record's plaintext ends with a 0x02 delimiter, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('no last-record delimiter');
  return padded.subarray(0, end);
}
