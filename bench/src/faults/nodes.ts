import path from 'node:path';
import { Child, REPO_ROOT, freePort, makeTempDir } from '../child-processes.js';
import { waitForHealth } from '../server-process.js';

/**
 * The environment every node of the suite runs with: defaults, except that one address plays
 * every client (so the per-address sign-up and login limits are lifted, as in the server's tests;
 * the per-user and per-socket limits stay) and tokens outlive the run.
 */
export const NODE_ENV: Record<string, string> = {
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_REGISTER_IP: '0',
  RATE_LIMIT_LOGIN_IP: '0',
  ACCESS_TOKEN_TTL_SECONDS: '86400',
};

/** One `confab serve` process that can be killed and started again at the same address on the same data. */
export class ConfabNode {
  child: Child | undefined;

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly onCrash: (error: Error) => void,
  ) {}

  static async create(name: string, env: Record<string, string>, onCrash: (error: Error) => void): Promise<ConfabNode> {
    const dataDir = makeTempDir(`confab-faults-${name}-`);
    const port = await freePort();
    return new ConfabNode(name, port, { ...NODE_ENV, ...env, DATA_DIR: dataDir, PORT: String(port) }, onCrash);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    const process = this.child?.process;
    return process !== undefined && process.exitCode === null && process.signalCode === null;
  }

  /** Starts the node unless it runs; `timeoutMs` for its health (a first start on an empty database migrates it). */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.alive) return;
    const bin = path.join(REPO_ROOT, 'packages/server/bin/confab.js');
    this.child = new Child(this.name, [bin, 'serve'], this.env, this.onCrash);
    await waitForHealth(`${this.url}/healthz`, this.child, timeoutMs);
  }

  /** kill -9: no drain; resolves once it has exited. */
  async kill(): Promise<void> {
    if (!this.alive) return;
    this.child!.signal('SIGKILL');
    await this.child!.exited;
  }

  /** SIGTERM: the node drains and exits; resolves with its exit code. */
  async terminate(): Promise<number | null> {
    if (!this.alive) return null;
    this.child!.signal('SIGTERM');
    await this.child!.exited;
    return this.child!.process.exitCode;
  }

  /** A gauge or counter of its /metrics (0 when absent or unreachable). */
  async metric(name: string): Promise<number> {
    try {
      const text = await (await fetch(`${this.url}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line === undefined ? 0 : Number(line.split(' ')[1]);
    } catch {
      return 0;
    }
  }

  async stop(): Promise<void> {
    await this.child?.stop(10_000);
  }
}
