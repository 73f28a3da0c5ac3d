import type { Redis } from 'ioredis';

// Connection upkeep for the Redis bus: noticing silent connections, reconnect backoff, shutdown.

/**
 * Notices a connection that stopped answering without closing (a dead peer, a lost route): it
 * is stalled when two checks in a row find it waiting (on its handshake or on commands) with
 * nothing answered in between. Two checks, not one, so an event-loop pause that merely delayed
 * reading the replies is not taken for a dead connection.
 */
export class Liveness {
  waiting = 0;
  private answered = 0;
  private answeredAtLastCheck = 0;
  private strikes = 0;

  constructor(private readonly connection: Redis) {}

  track<T>(command: Promise<T>): Promise<T> {
    this.waiting += 1;
    const settle = () => {
      this.waiting -= 1;
      this.answered += 1;
    };
    command.then(settle, settle);
    return command;
  }

  stalled(): boolean {
    const status = this.connection.status;
    const waiting = status === 'connect' || (status === 'ready' && this.waiting > 0);
    const silent = waiting && this.answered === this.answeredAtLastCheck;
    this.answeredAtLastCheck = this.answered;
    this.strikes = silent ? this.strikes + 1 : 0;
    if (this.strikes < 2) return false;
    this.strikes = 0;
    return true;
  }
}

/** Exponential backoff with equal jitter: half the delay fixed, half random, so nodes spread out. */
export function backoff(attempt: number, baseMs: number, capMs: number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * Resets the socket, as a network failure would: ioredis rejects what was waiting and reconnects.
 * (`disconnect(true)` would end it gracefully, which a dead peer never completes.)
 */
export function dropConnection(connection: Redis): void {
  connection.stream?.destroy();
}

export async function quit(connection: Redis, timeoutMs: number): Promise<void> {
  if (connection.status === 'ready') {
    try {
      await withTimeout(connection.quit(), timeoutMs);
    } catch {
      // Unanswered: drop the socket below.
    }
  }
  connection.disconnect();
}

export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
