import type { Server } from 'node:http';

/**
 * Keeps a server's idle kept-alive connections open while it drains, and closes them once every
 * request in flight is answered.
 *
 * Node's `http.Server.close()` (Node 19+) destroys every idle kept-alive connection at once. A
 * proxy (nginx keeps `keepalive 32` connections to each node) that writes a request on one in
 * that instant finds it reset; for a POST it does not try another node and answers 502. Held
 * open instead, a request on such a connection reaches the app, which answers 503 `unavailable`
 * with `Connection: close` while draining (http/app.ts): nginx retries it elsewhere when it may,
 * counts the node as failing (max_fails), and the client gets a 503 it can retry otherwise.
 */
export class IdleConnections {
  private inFlight = 0;
  private waiters: (() => void)[] = [];

  /** Counts the server's requests from now on (call before it listens). */
  constructor(private readonly server: Server) {
    server.on('request', (_request, response) => {
      this.inFlight += 1;
      response.once('close', () => {
        this.inFlight -= 1;
        if (this.inFlight === 0) for (const resolve of this.waiters.splice(0)) resolve();
      });
    });
  }

  /** From now on `server.close()` leaves idle connections open (it calls this method of the instance). */
  hold(): void {
    this.server.closeIdleConnections = () => {};
  }

  /** Resolves once no request is in flight (long-polls end with the drain; WebSockets are not requests). */
  async answered(): Promise<void> {
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Closes the connections idle now; every answer given while draining closes its own. */
  release(): void {
    delete (this.server as Partial<Server>).closeIdleConnections;
    this.server.closeIdleConnections();
  }
}
