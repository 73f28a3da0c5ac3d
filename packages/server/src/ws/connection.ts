import type { WebSocket } from 'ws';

/** One open socket of a signed-in user, and the bus topics it listens to. */
export class Connection {
  readonly topics = new Set<string>();
  /** Cleared at each ping; a socket still not alive at the next ping is dead and reaped. */
  alive = true;
  closed = false;

  constructor(
    readonly id: string,
    readonly userId: string,
    readonly sessionId: string,
    readonly socket: WebSocket,
  ) {}

  send(frame: unknown): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(frame));
  }
}
