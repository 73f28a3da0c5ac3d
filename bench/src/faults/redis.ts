import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { Child, freePort } from '../child-processes.js';
import { sleep } from '../stats.js';

/**
 * A redis-server of the suite's own, on its own port (never the shared one): it can be killed,
 * restarted at the same address and flushed. No persistence, as a cache-only Redis runs.
 */
export class OwnRedis {
  private child: Child | undefined;

  private constructor(
    private readonly binary: string,
    readonly port: number,
    private readonly onCrash: (error: Error) => void,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(onCrash: (error: Error) => void): Promise<OwnRedis> {
    const binary = process.env['REDIS_SERVER'] ?? 'redis-server';
    try {
      execFileSync(binary, ['--version'], { stdio: 'ignore' });
    } catch {
      throw new Error(`${binary} not found (apt-get install redis-server), or set REDIS_SERVER`);
    }
    const own = new OwnRedis(binary, await freePort(), onCrash);
    await own.launch();
    return own;
  }

  /** Kills the server (SIGKILL: no goodbye to its clients) and starts a new, empty one on the same port. */
  async restart(): Promise<void> {
    const child = this.child;
    if (child) {
      child.signal('SIGKILL');
      await child.exited;
    }
    await this.launch();
  }

  async flushAll(): Promise<void> {
    const redis = new Redis(this.url, { maxRetriesPerRequest: 1 });
    try {
      await redis.flushall();
    } finally {
      redis.disconnect();
    }
  }

  async stop(): Promise<void> {
    await this.child?.stop(2000);
  }

  private async launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
    this.child = new Child('redis-server', args, {}, this.onCrash, this.binary);
    const deadline = Date.now() + 10_000;
    while (!(await listening(this.port))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${this.port}:\n${this.child.output}`);
      await sleep(50);
    }
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
