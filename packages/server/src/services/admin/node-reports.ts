import { hostname } from 'node:os';
import { newId } from '../../ids.js';
import type { AdminStore, NodeReport } from '../../store/store.js';

/** A node not heard from for this long has stopped (or died): stats leave it out. */
export const NODE_STALE_MS = 30_000;
/** How often a node rewrites its report even when nothing changed (well within NODE_STALE_MS). */
const HEARTBEAT_MS = 10_000;
/** How often the socket count is looked at: a change is reported within this. */
const LOOK_MS = 500;
/** Reports older than this are deleted (by whichever node prunes). */
const FORGET_MS = 86_400_000;

/**
 * Sockets per node for the instance stats, through the store every node shares (so it holds on
 * SQLite, on PostgreSQL with or without Redis, and the CLI sees it too): each node writes its
 * socket count when it changes (looked at twice a second) and every 10 s, and stats read the
 * reports of the last 30 s. Its own count is read live.
 */
export class NodeReports {
  private readonly self: Omit<NodeReport, 'sockets' | 'reportedAt'>;
  private timer: NodeJS.Timeout | undefined;
  private reported = { sockets: -1, at: 0 };
  private writing = false;

  constructor(
    private readonly store: { admin: Pick<AdminStore, 'reportNode' | 'listNodeReports' | 'pruneNodeReports'> },
    /** This node's open sockets now; absent in the CLI, which is no node. */
    private readonly sockets: (() => number) | undefined,
    private readonly onError: (error: unknown) => void,
  ) {
    this.self = { id: newId(), host: hostname(), pid: process.pid, startedAt: Date.now() };
  }

  /** Reports at once (a failure is logged: the next look tries again), then follows the count. */
  async start(): Promise<void> {
    await this.report().catch(this.onError);
    this.timer = setInterval(() => void this.tick(), LOOK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * A node that stops cleanly dates its report at 0, so it leaves the live list at once rather
   * than 30 s later (stats, and `confab migrate-store`'s check that no node is serving).
   */
  async leave(): Promise<void> {
    if (this.sockets === undefined) return;
    await this.store.admin.reportNode({ ...this.self, sockets: 0, reportedAt: 0 }).catch(this.onError);
  }

  /** The live nodes' reports, this node's (live) first. */
  async list(now = Date.now()): Promise<NodeReport[]> {
    const reports = await this.store.admin.listNodeReports(now - NODE_STALE_MS);
    if (this.sockets === undefined) return reports;
    const mine: NodeReport = { ...this.self, sockets: this.sockets(), reportedAt: now };
    return [mine, ...reports.filter((r) => r.id !== this.self.id)];
  }

  /** Forgets nodes gone for a day; idempotent, every node runs it. */
  prune(now = Date.now()): Promise<number> {
    return this.store.admin.pruneNodeReports(now - FORGET_MS);
  }

  private async tick(): Promise<void> {
    if (this.writing || this.sockets === undefined) return;
    if (this.sockets() === this.reported.sockets && Date.now() - this.reported.at < HEARTBEAT_MS) return;
    this.writing = true;
    try {
      await this.report();
    } catch (error) {
      // Tried again at the next heartbeat, not every half second while the store is down.
      this.reported = { sockets: this.sockets(), at: Date.now() };
      this.onError(error);
    } finally {
      this.writing = false;
    }
  }

  private async report(): Promise<void> {
    if (this.sockets === undefined) return;
    const sockets = this.sockets();
    const at = Date.now();
    await this.store.admin.reportNode({ ...this.self, sockets, reportedAt: at });
    this.reported = { sockets, at };
  }
}
