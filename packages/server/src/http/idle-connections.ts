import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Keeps a server's idle kept-alive connections open while it drains, and closes them once every
 * request in flight is answered and no request has come for a quiet spell.
 *
 * Node's `http.Server.close()` (Node 19+) destroys every idle kept-alive connection at once. A
 * proxy (nginx keeps `keepalive 32` connections to each node) that writes a request on one in
 * that instant finds it reset; for a POST it does not try another node and answers 502. Held
 * open instead, a request on such a connection reaches the app, which answers 503 `unavailable`
 * with `Connection: close` while draining (http/app.ts): nginx retries it elsewhere when it may,
 * counts the node as failing (max_fails), and the client gets a 503 it can retry otherwise.
 *
 * HTTP/1.1 has no way to close an idle connection that a client may be writing on in the same
 * instant, so the close waits until the proxy has stopped choosing this node: no request for
 * `SHUTDOWN_QUIET_MS`. Under load, nginx stops after `max_fails` refusals (a connect refused, a
 * 503); with no load, nobody is writing. Closing as soon as the last answer went out lost a POST
 * to 502 in the fault suite (`sigterm-nginx`, CI of 2026-11-29).
 */
export class IdleConnections {
  private inFlight = 0;
  private lastActivity = performance.now();
  /** Open HTTP connections (a WebSocket's leaves the set at its upgrade). */
  private readonly connections = new Set<Socket>();
  private waiters: (() => void)[] = [];

  /** Counts the server's connections and requests from now on (call before it listens). */
  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.connections.add(socket);
      socket.once('close', () => this.connections.delete(socket));
    });
    server.on('upgrade', (request: { socket: Socket }) => this.connections.delete(request.socket));
    server.on('request', (_request, response) => {
      this.inFlight += 1;
      this.lastActivity = performance.now();
      response.once('close', () => {
        this.inFlight -= 1;
        this.lastActivity = performance.now();
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

  /**
   * Resolves once no request has been in flight or begun for `quietMs`, every HTTP connection is
   * closed (by its client: a 503 while draining closes its own), or `deadline` (epoch ms) passes.
   */
  async quiet(quietMs: number, deadline: number): Promise<void> {
    for (;;) {
      if (this.connections.size === 0 || Date.now() >= deadline) return;
      const quietFor = this.inFlight > 0 ? 0 : performance.now() - this.lastActivity;
      if (quietFor >= quietMs) return;
      // Polled in slices, so that connections all closing by their clients ends the wait early.
      await sleep(Math.min(quietMs - quietFor, 50, Math.max(1, deadline - Date.now())));
    }
  }

  /** Closes the connections idle now; every answer given while draining closes its own. */
  release(): void {
    delete (this.server as Partial<Server>).closeIdleConnections;
    this.server.closeIdleConnections();
  }
}
