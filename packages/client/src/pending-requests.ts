import type { ErrorFrame, HeldMessage, Message } from '@confab/protocol';
import { ApiError } from './errors.js';

/** What an `ack` carries back to the request it answers. */
export interface RequestAnswer {
  message: Message | undefined;
  readSeq: number | undefined;
  /** A send held for review (issue 40). */
  held?: HeldMessage | undefined;
}

interface Pending {
  frame: string;
  resolve: (answer: RequestAnswer) => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The frames sent and not yet answered with `ack` or `error`, by frame id: each request's promise,
 * its time limit, and its frame, which the connection sends again after a reconnect (a send keeps
 * its clientId, so the server stores it once).
 */
export class PendingRequests {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly timeoutMs: number) {}

  /** Waits for the answer to `frame` (sent, or to be sent once the socket is open) under `id`. */
  add(id: string, frame: string): Promise<RequestAnswer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ApiError(0, 'network_error', 'The request was not acknowledged in time; a send may be retried with the same clientId'));
      }, this.timeoutMs);
      this.pending.set(id, { frame, resolve, reject, timer });
    });
  }

  /** The frames still unanswered, in the order they were sent. */
  frames(): string[] {
    return [...this.pending.values()].map((p) => p.frame);
  }

  resolve(id: string, answer: RequestAnswer): void {
    this.take(id)?.resolve(answer);
  }

  reject(id: string, frame: ErrorFrame): void {
    this.take(id)?.reject(toApiError(frame));
  }

  /** Fails every request still waiting (the connection closed for good). */
  rejectAll(error: unknown): void {
    for (const id of [...this.pending.keys()]) this.take(id)?.reject(error);
  }

  private take(id: string): Pending | undefined {
    const pending = this.pending.get(id);
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.pending.delete(id);
    return pending;
  }
}

function toApiError(frame: ErrorFrame): ApiError {
  return new ApiError(
    0,
    frame.error.code,
    frame.error.message,
    frame.error.details,
    frame.error.retryAfterMs,
    undefined,
    frame.error.epoch,
  );
}
