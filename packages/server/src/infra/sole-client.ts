import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';

/** How long one client must have been alone before `alone()` says so. */
const WINDOW_MS = 5;

/**
 * Tells whether the node is serving one client alone: every HTTP request and WebSocket frame of
 * the last few milliseconds came from one connection, and at most one is being handled. Then no
 * one waits behind work done on the event loop, so the SQLite store may flush its log there
 * (`store/sqlite/wal-sync.ts`) rather than hand the flush to libuv's pool and wait to be woken:
 * ~0.15 ms less a send on this project's 2-core host, which is most of what a quiet instance's
 * sender waits for beyond the disk (bench/README.md, issue 41).
 *
 * A second connection's request or frame ends it at once: under load, requests waiting to be
 * parsed must not wait for the disk as well (a flush on the loop at ten senders cost 10 % of
 * throughput). Like PostgreSQL's `commit_siblings`, it counts who else is active, not what they do.
 */
export class SoleClient {
  private last: object | undefined;
  private switchedAt = Number.NEGATIVE_INFINITY;
  private handling = 0;

  constructor(
    private readonly windowMs = WINDOW_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A request or frame from `connection` (its socket, or any object standing for it) is being handled. */
  begin(connection: object): void {
    this.handling++;
    if (connection !== this.last) {
      this.last = connection;
      this.switchedAt = this.now();
    }
  }

  /** One begun with `begin` has been answered (or abandoned). */
  end(): void {
    this.handling--;
  }

  /** True while one connection alone has sent anything for `windowMs` and at most one of its requests is being handled. */
  alone(): boolean {
    return this.handling <= 1 && this.now() - this.switchedAt >= this.windowMs;
  }

  /** Counts each request `server` handles, from its arrival until its response closes. */
  watch(server: Server): void {
    server.on('request', (request, response) => {
      this.begin(request.socket);
      response.once('close', () => this.end());
    });
  }
}
