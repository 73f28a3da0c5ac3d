import { ApiError, MessageHeldError, type RealtimeConnection, type SendOptions, newClientId } from '@confab/client';
import { ERROR_STATUS, type Message } from '@confab/protocol';
import { ExternalStore } from './external-store.js';
import type { OutboxStorage } from './outbox-storage.js';
import { ComposerRefills } from './composer-refill.js';

/** A message I sent that the server has not confirmed yet. */
export interface PendingMessage {
  clientId: string;
  conversationId: string;
  body: string | undefined;
  links: SendOptions;
  createdAt: string;
  /** `sending`: on its way (or waiting for the connection); `failed`: refused by the server, kept to show why. */
  status: 'sending' | 'failed';
  error?: string;
  /** Failed for a reason sending the same again cannot fix (too long, not a member, blocked): no Retry, but Edit. */
  permanent?: boolean;
}

/**
 * Every message I send goes through here. It shows as pending at once, and goes out over the
 * realtime connection; the SDK re-sends a frame not acknowledged before a reconnect, and a send
 * that timed out (offline for long) is tried again here each time the connection opens — always
 * with the same clientId, so the server stores it once however often it goes. A message leaves
 * the outbox when the server confirms it (the ack or its `message.created`), or stays as failed
 * when the server refuses it for a reason a retry cannot fix. With a storage, what is pending
 * survives a reload and is sent again then.
 */
export class Outbox extends ExternalStore<readonly PendingMessage[]> {
  /** Where Edit puts a failed message back: its conversation's composer. */
  readonly refills = new ComposerRefills();
  private readonly inFlight = new Set<string>();
  private readonly stops: (() => void)[] = [];

  /** `storage`: where pending messages outlive the page (a reload), `outbox-storage.ts`. */
  constructor(
    private readonly connection: RealtimeConnection,
    storage?: OutboxStorage,
  ) {
    super(storage?.load() ?? []);
    if (storage) this.subscribe(() => storage.save(this.getSnapshot()));
  }

  start(): void {
    this.stops.push(
      this.connection.onStateChange((state) => {
        if (state === 'open') this.flush();
      }),
      this.connection.on('message.created', ({ message }) => this.confirmed(message)),
    );
    // Messages loaded from storage go as soon as they can (already open: now).
    if (this.connection.state === 'open') this.flush();
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  send(conversationId: string, body: string | undefined, links: SendOptions = {}): PendingMessage {
    const pending: PendingMessage = {
      clientId: newClientId(),
      conversationId,
      body,
      links,
      createdAt: new Date().toISOString(),
      status: 'sending',
    };
    this.set([...this.getSnapshot(), pending]);
    this.attempt(pending);
    return pending;
  }

  /** Drops a failed message (the person gave up on it). */
  discard(clientId: string): void {
    this.set(this.getSnapshot().filter((p) => p.clientId !== clientId));
  }

  /** Tries a failed message again, same clientId; not one the server refused for good (it would fail forever). */
  retry(clientId: string): void {
    const pending = this.getSnapshot().find((p) => p.clientId === clientId);
    if (!pending || pending.permanent) return;
    this.replace({ ...pending, status: 'sending', error: undefined });
    this.attempt(pending);
  }

  /**
   * Takes a failed text message back into its conversation's composer, to edit and send as a new
   * one (still a reply, or in its thread).
   */
  edit(clientId: string): void {
    const pending = this.getSnapshot().find((p) => p.clientId === clientId && p.status === 'failed');
    if (!pending || !isEditable(pending)) return;
    this.discard(clientId);
    const { replyToId, threadRootId } = pending.links;
    const links = { ...(replyToId ? { replyToId } : {}), ...(threadRootId ? { threadRootId } : {}) };
    this.refills.put(pending.conversationId, { body: pending.body ?? '', links });
  }

  private flush(): void {
    for (const pending of this.getSnapshot()) if (pending.status === 'sending') this.attempt(pending);
  }

  private attempt(pending: PendingMessage): void {
    if (this.inFlight.has(pending.clientId)) return;
    this.inFlight.add(pending.clientId);
    this.connection.send(pending.conversationId, pending.body, pending.clientId, pending.links).then(
      (message) => {
        this.inFlight.delete(pending.clientId);
        this.confirmed(message);
      },
      (error: unknown) => {
        this.inFlight.delete(pending.clientId);
        // Not acknowledged (offline, timed out, connection closing): it stays pending and goes
        // again when the connection opens. Anything else is the server's answer: show it.
        if (error instanceof ApiError && error.code === 'network_error') {
          if (this.connection.state === 'open') this.attempt(pending);
          return;
        }
        const current = this.getSnapshot().find((p) => p.clientId === pending.clientId);
        if (current) {
          const message = error instanceof Error ? error.message : String(error);
          this.replace({ ...current, status: 'failed', error: message, permanent: !isRetryable(error) });
        }
      },
    );
  }

  private confirmed(message: Message): void {
    if (!this.getSnapshot().some((p) => p.clientId === message.clientId && p.conversationId === message.conversationId)) return;
    this.set(this.getSnapshot().filter((p) => !(p.clientId === message.clientId && p.conversationId === message.conversationId)));
  }

  private replace(next: PendingMessage): void {
    this.set(this.getSnapshot().map((p) => (p.clientId === next.clientId ? next : p)));
  }
}

/**
 * Whether a failed message can go back into the composer: text only (the composer shows text; an
 * attachment, voice note or location sent from it unseen would surprise).
 */
export function isEditable(pending: PendingMessage): boolean {
  return pending.body !== undefined && (pending.links.kind ?? 'text') === 'text' && pending.links.location === undefined;
}

/**
 * Whether the same message may succeed later: the server was busy or failing (5xx), or a rate
 * limit. A 4xx otherwise (validation, permissions, a block) answers the same every time.
 */
export function isRetryable(error: unknown): boolean {
  // Held for an admin's review (issue 40): sending it again answers the same.
  if (error instanceof MessageHeldError) return false;
  if (!(error instanceof ApiError) || error.code === 'network_error') return true;
  // An error frame of the socket carries no HTTP status: the catalogue gives its code's.
  const status = error.status || ERROR_STATUS[error.code];
  return status === 408 || status === 429 || status >= 500;
}
