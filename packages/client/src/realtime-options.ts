import type { SyncReset } from '@confab/protocol';
import type { CursorStore } from './event-stream.js';
import type { HttpTransport } from './http.js';
import type { Message, MlsSend } from '@confab/protocol';
import type { NetworkStatus } from './network-status.js';
import type { SendOptions } from './files.js';

/** What a realtime connection is given (RealtimeOptions) and what it tells the application of itself. */

/**
 * The part of the WebSocket API the SDK uses: the browser's, Node 22's, and `ws`'s all fit.
 * Without one in the options the SDK takes the platform's through `isows`: the global one
 * where there is one, `ws` in a Node without it (20); a browser bundle never includes `ws`.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
/** Called with the URL and the subprotocol list, which carries the access token (`confab.bearer.<token>`). */
export type WebSocketConstructor = new (url: string, protocols: string[]) => WebSocketLike;

export interface RealtimeOptions {
  http: HttpTransport;
  /** Default: the platform's (see WebSocketLike). */
  WebSocket?: WebSocketConstructor;
  /** First reconnect delay; doubles per failed attempt up to the max, with jitter. */
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** A send not acknowledged within this time fails (it may still be stored: retry with its clientId). */
  sendTimeoutMs?: number;
  /** Where the resume position is kept; pass one that persists it to resume across restarts. */
  cursorStore?: CursorStore;
  /** Acknowledge received messages as delivered (delivery receipts), batched per conversation. Default true. */
  deliveryReceipts?: boolean;
  /** A typist not heard from for this long is no longer shown as typing (the server's TYPING_EXPIRE_MS). */
  typingExpireMs?: number;
  /** Where the device's network state comes from; default: the browser's online/offline events (none in Node). */
  network?: NetworkStatus;
  /** End-to-end encryption (issue 39): set by `ConfabClient.connect()` when the client has a crypto store. */
  encryption?: RealtimeEncryption;
}

export interface EncryptedSend {
  mls: MlsSend;
  links: SendOptions;
}

/** A change of another message that, in an encrypted conversation, goes inside an MLS message: a reaction set or taken back, or an edit's new text. */
export type RelationChange = { reaction: { key: string; on: boolean } } | { edit: string };

/** The MLS message of a RelationChange, the conversation it goes into, and the message it changes as the server served it. */
export interface EncryptedRelation {
  conversationId: string;
  mls: MlsSend;
  target: Message;
}

/** How a connection encrypts what it sends into, and decrypts what it hears from, encrypted conversations. */
export interface RealtimeEncryption {
  /** The `mls` of a send into an encrypted conversation (a text, poll, place or files) and the links that go beside it; undefined for a plain one. */
  encryptSend(
    conversationId: string,
    body: string | undefined,
    links: SendOptions,
    clientId: string,
    /** This connection handed on every message of the conversation up to this seq, with no gap (undefined: it cannot say). */
    liveSeq?: number,
  ): Promise<EncryptedSend | undefined>;
  /**
   * The MLS message of a reaction or edit of `messageId`, whose conversation the server refused
   * it in clear for (`message.edit`, `reaction.add`) or that is encrypted (`reaction.remove`);
   * undefined where this client has no device to encrypt with.
   */
  encryptRelation(
    messageId: string,
    change: RelationChange,
    clientId: string,
    liveSeqOf: (conversationId: string) => number | undefined,
  ): Promise<EncryptedRelation | undefined>;
  /** Whether a refused plain send was refused for being plain in an encrypted conversation: the flag is then learnt, and the send made again encrypted. */
  learnEncrypted(conversationId: string, error: unknown): boolean;
  /** A conversation an event carried: whether it is encrypted is remembered, so a send there asks nothing. */
  seen(conversation: { id: string; encrypted: boolean }): void;
  /** An encrypted poll counted again (after a vote or close decrypted here), by its message id. */
  pollOf(messageId: string): Promise<Message | undefined>;
  /** An encrypted live place where its author last moved it (after a move or stop decrypted here), by its message id. */
  placeOf(messageId: string): Promise<Message | undefined>;
  /** The message as its readers see it; undefined for a commit or welcome (applied, not shown). */
  decrypt(message: Message): Promise<Message | undefined>;
  /** A member left or was removed (`member.removed`): their devices are committed out of its group, if need be, by one device that remains. */
  memberRemoved(conversationId: string, userId: string): Promise<void>;
}

/** Why the application must re-fetch state: the whole stream, or one conversation. */
export interface ResetNotice {
  reason: Exclude<SyncReset, null>;
  /** Set when only this conversation must be re-fetched. */
  conversationId?: string;
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';
