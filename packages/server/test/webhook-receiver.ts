import { createHmac, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the receiver answers one request: 200, 500, or not at all (the sender times out). */
export type Answer = 'ok' | 'fail' | 'hang';

export interface ReceivedDelivery {
  deliveryId: string;
  attempt: number;
  /** Whether `X-Confab-Signature` is the HMAC-SHA256 of the raw body with the secret. */
  signed: boolean;
  rawBody: string;
  body: any;
  answer: Answer;
}

/**
 * A real local webhook endpoint (node:http) for the outbox tests: it checks each request's
 * signature, answers as `script` says for that delivery's n-th request, and records everything.
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    private readonly secret: string,
    private readonly script: (delivery: { id: string; nth: number; body: any }) => Answer,
  ) {}

  static async start(secret: string, script: (delivery: { id: string; nth: number; body: any }) => Answer): Promise<WebhookReceiver> {
    const self: { receiver?: WebhookReceiver } = {};
    const server = createServer((request, response) => void self.receiver!.handle(request, response));
    const receiver = (self.receiver = new WebhookReceiver(server, secret, script));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** The deliveries received about these users (by the body's `userId`). */
  about(userIds: readonly string[]): ReceivedDelivery[] {
    return this.received.filter((d) => userIds.includes(d.body?.userId));
  }

  /** How many times each delivery id was answered 2xx. */
  successes(deliveries: readonly ReceivedDelivery[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const d of deliveries) if (d.answer === 'ok') counts.set(d.deliveryId, (counts.get(d.deliveryId) ?? 0) + 1);
    return counts;
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const deliveryId = String(request.headers['x-confab-delivery']);
    const expected = Buffer.from(`sha256=${createHmac('sha256', this.secret).update(rawBody).digest('hex')}`);
    const given = Buffer.from(String(request.headers['x-confab-signature']));
    let body: any;
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
    const nth = this.received.filter((d) => d.deliveryId === deliveryId).length + 1;
    const answer = this.script({ id: deliveryId, nth, body });
    this.received.push({
      deliveryId,
      attempt: Number(request.headers['x-confab-attempt']),
      signed: given.length === expected.length && timingSafeEqual(given, expected),
      rawBody,
      body,
      answer,
    });
    if (answer === 'hang') {
      this.hanging.add(response);
      response.on('close', () => this.hanging.delete(response));
      return;
    }
    response.writeHead(answer === 'ok' ? 200 : 500, { 'content-type': 'text/plain' }).end(answer);
  }
}
