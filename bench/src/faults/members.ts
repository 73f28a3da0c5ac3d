import { ApiError, ConfabClient, type RealtimeConnection } from '@confab/client';
import type { Message } from '@confab/protocol';
import { mapPool, sleep } from '../stats.js';
import type { Ack, Arrival } from './tally.js';

/** Reconnect quickly, and never give up on a send: the suite decides when a send has failed. */
const SDK_OPTIONS = { minReconnectDelayMs: 100, maxReconnectDelayMs: 2000, sendTimeoutMs: 120_000 };
const PASSWORD = 'faults-password-not-secret';

/** A user of the suite with an SDK connection recording the `seq`s its application is handed. */
export class Member {
  conn: RealtimeConnection | undefined;
  readonly arrivals: Arrival[] = [];
  resets = 0;

  constructor(
    readonly name: string,
    readonly id: string,
    readonly client: ConfabClient,
  ) {}

  get accessToken(): string {
    return this.client.tokens!.accessToken;
  }

  /** Connects (through the address it registered at) and resolves once ready. */
  async connect(conversationId: string, deliveryReceipts = true): Promise<void> {
    const conn = this.client.connect({ ...SDK_OPTIONS, deliveryReceipts });
    this.conn = conn;
    conn.on('message.created', ({ message }) => {
      if (message.conversationId === conversationId) this.arrivals.push({ seq: message.seq, at: performance.now() });
    });
    conn.onReset(() => (this.resets += 1));
    await conn.ready();
  }

  close(): void {
    this.conn?.close();
  }
}

/** Registers `count` users named `<prefix><i>` through `baseUrl`, a few at a time (sign-up hashes a password). */
export async function registerMembers(baseUrl: string, prefix: string, count: number, first = 0): Promise<Member[]> {
  return mapPool(
    Array.from({ length: count }, (_, i) => first + i),
    4,
    async (i) => {
      const client = new ConfabClient({ baseUrl });
      const name = `${prefix}${i}`;
      const auth = await client.register({ username: name, password: PASSWORD });
      return new Member(name, auth.user.id, client);
    },
  );
}

export type SendPath = 'ws' | 'rest';

/** Sends a sender keeps unacknowledged at most; past it, it waits, as a client's outbox does. */
const WINDOW = 8;

/**
 * Sends up to `rate` messages a second into one conversation from one member (at most WINDOW
 * unacknowledged; while the server is away the sender waits): each send is tried until acknowledged, again with the same clientId after any failure (a network error,
 * a 503, an `unavailable` frame), as a client that wants each message stored once does. Every
 * failure's status is kept: the suite checks the 5xx against the documented ones.
 */
export class Sender {
  readonly acks: Ack[] = [];
  /** HTTP status (REST) or error code (WebSocket) → count. */
  readonly failures = new Map<string, number>();
  private running = false;
  private inFlight = new Set<Promise<void>>();
  private next = 0;
  private loop: Promise<void> | undefined;

  constructor(
    readonly member: Member,
    readonly path: SendPath,
    private readonly conversationId: string,
    private readonly rate: number,
    private readonly bodyBytes = 40,
  ) {}

  get sent(): number {
    return this.next;
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops sending new messages; resolves when every send made has been acknowledged (or `deadline` passed). */
  async stop(deadlineMs: number): Promise<number> {
    this.running = false;
    await this.loop;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), deadlineMs)));
    const done = Promise.all(this.inFlight).then(() => 'done' as const);
    const outcome = await Promise.race([done, timeout]);
    clearTimeout(timer);
    return outcome === 'done' ? 0 : this.inFlight.size;
  }

  private async run(): Promise<void> {
    const interval = 1000 / this.rate;
    const start = performance.now();
    while (this.running) {
      const clientId = `${this.member.name}-${this.next++}`;
      const send = this.sendUntilAcked(clientId).finally(() => this.inFlight.delete(send));
      this.inFlight.add(send);
      const wait = start + this.next * interval - performance.now();
      if (wait > 0) await sleep(wait);
      while (this.running && this.inFlight.size >= WINDOW) await Promise.race(this.inFlight);
    }
  }

  private async sendUntilAcked(clientId: string): Promise<void> {
    const body = `${clientId} ${'x'.repeat(Math.max(0, this.bodyBytes - clientId.length - 1))}`;
    for (let attempt = 0; ; attempt++) {
      try {
        const message = await this.attempt(clientId, body);
        this.acks.push({ clientId, messageId: message.id, seq: message.seq, at: performance.now() });
        return;
      } catch (error) {
        const key = error instanceof ApiError ? (this.path === 'rest' && error.status > 0 ? String(error.status) : error.code) : 'error';
        this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
        if (!this.running && attempt > 200) return; // the suite has given up on this one
        await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 4)) * (0.5 + Math.random() / 2));
      }
    }
  }

  private attempt(clientId: string, body: string): Promise<Message> {
    if (this.path === 'rest') return this.member.client.sendMessage(this.conversationId, body, clientId);
    return this.member.conn!.send(this.conversationId, body, clientId);
  }
}
