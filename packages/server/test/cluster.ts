import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { type ServerProcess, freePort, startServerProcess } from './process.js';
import { type TestDatabase, type TestSchema, createTestDatabase, createTestSchema, redisService } from './services.js';

/**
 * A Confab cluster for the scale-out tests: N `confab serve` processes on their own ports,
 * sharing one fresh PostgreSQL schema and one Redis channel prefix no other test uses, plus
 * test-side load balancers in front of them. Nodes can be SIGKILLed and restarted at the same
 * address, paused, and their Redis connections (named `confab:<host>:<pid>:pub|sub|presence`) cut.
 */
export interface ClusterOptions {
  nodes: number;
  /** The shared database: PostgreSQL (a schema of its own, the default) or MariaDB/MySQL (a database of its own). */
  engine?: 'postgres' | 'mysql';
  /** Extra environment for every node (timings, limits). */
  env?: Record<string, string>;
}

/** A node's Redis connections: the bus's publisher and subscriber, and the presence tracker's. */
export type RedisConnectionKind = 'pub' | 'sub' | 'presence';

export interface ClusterNode {
  readonly index: number;
  readonly port: number;
  /** The node's own address (no balancer). */
  readonly url: string;
  process: ServerProcess | undefined;
  alive: boolean;
}

export class Cluster {
  readonly prefix = `confab-test:${randomUUID()}:`;
  /** Round-robins new connections over the live nodes. */
  readonly balancer: Balancer;
  private readonly fronts: Balancer[] = [];
  private readonly admin: Redis;

  private constructor(
    readonly schema: TestSchema | TestDatabase,
    readonly nodes: ClusterNode[],
    private readonly env: Record<string, string>,
    private readonly dataDirs: string[],
  ) {
    this.admin = new Redis(redisService.url, { maxRetriesPerRequest: 2 });
    this.balancer = new Balancer((turn) => rotate(this.livePorts(), turn));
  }

  static async start(options: ClusterOptions): Promise<Cluster> {
    const schema = options.engine === 'mysql' ? await createTestDatabase() : await createTestSchema();
    const nodes: ClusterNode[] = [];
    const dataDirs: string[] = [];
    for (let index = 0; index < options.nodes; index++) {
      const port = await freePort();
      nodes.push({ index, port, url: `http://127.0.0.1:${port}`, process: undefined, alive: false });
      dataDirs.push(mkdtempSync(path.join(tmpdir(), `confab-cluster-${index}-`)));
    }
    const cluster = new Cluster(schema, nodes, options.env ?? {}, dataDirs);
    try {
      await cluster.balancer.listen();
      // Together, as a deployment starts: the Migrator's advisory lock serialises their migrations.
      await Promise.all(nodes.map((node) => cluster.restart(node.index)));
    } catch (error) {
      await cluster.close();
      throw error;
    }
    return cluster;
  }

  get url(): string {
    return this.balancer.url;
  }

  /** A balancer that sends new connections to node `index` while it is up, else round-robin to the others. */
  async front(index: number): Promise<Balancer> {
    const preferred = this.nodes[index]!;
    const front = new Balancer((turn) => {
      const others = rotate(
        this.livePorts().filter((port) => port !== preferred.port),
        turn,
      );
      return preferred.alive ? [preferred.port, ...others] : others;
    });
    await front.listen();
    this.fronts.push(front);
    return front;
  }

  /** Starts (or restarts, at the same address) node `index` and waits until it serves. */
  async restart(index: number): Promise<void> {
    const node = this.nodes[index]!;
    if (node.alive) return;
    const env = {
      JWT_SECRET: 'a cluster secret of at least thirty-two characters',
      DATABASE_POOL_SIZE: '4',
      LOG_LEVEL: 'warn',
      ...this.env,
      DATA_DIR: this.dataDirs[index]!,
      PORT: String(node.port),
      DATABASE_URL: this.schema.url,
      REDIS_URL: redisService.url,
      REDIS_CHANNEL_PREFIX: this.prefix,
    };
    const started = await startServerProcess(env);
    node.process = started;
    node.alive = true;
    void started.exited.then(() => {
      if (node.process === started) node.alive = false;
    });
  }

  /** Restarts every node that is down. */
  async ensureAllUp(): Promise<void> {
    await Promise.all(this.nodes.filter((node) => !node.alive).map((node) => this.restart(node.index)));
  }

  /** SIGKILL: no drain, no close frames; the kernel resets its sockets. Resolves once it has exited. */
  async kill(index: number): Promise<void> {
    const node = this.nodes[index]!;
    const running = node.process;
    node.alive = false; // balancers stop choosing it at once
    if (!running) return;
    running.child.kill('SIGKILL');
    await running.exited;
  }

  /** SIGSTOP: the node stops reading its sockets (a long GC pause, a starved CPU) until `resume`. */
  pause(index: number): void {
    this.nodes[index]!.process?.child.kill('SIGSTOP');
  }

  resume(index: number): void {
    this.nodes[index]!.process?.child.kill('SIGCONT');
  }

  /** The `CLIENT LIST` ids of the Redis connections (bus and presence, or only `kinds`) of these nodes (default: all live ones). */
  async redisConnectionIds(
    indexes = this.nodes.filter((n) => n.alive).map((n) => n.index),
    kinds: readonly RedisConnectionKind[] = ['pub', 'sub', 'presence'],
  ): Promise<string[]> {
    const pids = new Set(
      indexes
        .map((i) => this.nodes[i]!.process?.child.pid)
        .filter((pid) => pid !== undefined)
        .map(String),
    );
    const list = (await this.admin.client('LIST')) as string;
    const ids: string[] = [];
    for (const line of list.split('\n')) {
      const match = /^id=(\d+) .* name=confab:\S*:(\d+):(pub|sub|presence) /.exec(line);
      if (match && pids.has(match[2]!) && kinds.includes(match[3] as RedisConnectionKind)) ids.push(match[1]!);
    }
    return ids;
  }

  /**
   * Cuts these nodes' Redis connections (only theirs: Redis is shared), as a Redis restart or a
   * network blip would; returns how many. They reconnect by themselves.
   */
  async killRedisConnections(indexes?: number[], kinds?: readonly RedisConnectionKind[]): Promise<number> {
    let killed = 0;
    for (const id of await this.redisConnectionIds(indexes, kinds)) killed += Number(await this.admin.client('KILL', 'ID', id));
    return killed;
  }

  /** The value of a counter in a node's /metrics (0 when absent). */
  async metric(index: number, name: string): Promise<number> {
    const text = await (await fetch(`${this.nodes[index]!.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? 0 : Number(line.split(' ')[1]);
  }

  /** Ends every node (SIGTERM, then SIGKILL if it lingers), the balancers, and the schema and keys it used. */
  async close(): Promise<void> {
    await Promise.all(
      this.nodes.map(async (node) => {
        const running = node.process;
        node.alive = false;
        if (!running || running.child.exitCode !== null || running.child.signalCode !== null) return;
        running.child.kill('SIGCONT'); // a paused node would hold the SIGTERM
        running.child.kill('SIGTERM');
        const timer = setTimeout(() => running.child.kill('SIGKILL'), 5000);
        await running.exited;
        clearTimeout(timer);
      }),
    );
    await Promise.all([this.balancer, ...this.fronts].map((balancer) => balancer.close()));
    await this.deleteKeys().catch(() => {});
    this.admin.disconnect();
    await this.schema.drop().catch(() => {});
    for (const dir of this.dataDirs) rmSync(dir, { recursive: true, force: true });
  }

  private livePorts(): number[] {
    return this.nodes.filter((node) => node.alive).map((node) => node.port);
  }

  /** Presence keys under this cluster's prefix (channels leave nothing behind). */
  private async deleteKeys(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.admin.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await this.admin.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
}

/**
 * A TCP load balancer on loopback: each new connection goes to the first candidate port that
 * accepts it, trying the next one when a connect fails (a node that just died), so a client
 * that reconnects lands on a live node. `candidates` is asked per connection, with a counter to
 * rotate by for round-robin.
 */
export class Balancer {
  /** How many connections each upstream port was given. */
  readonly routed = new Map<number, number>();
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  private turn = 0;
  port = 0;

  constructor(private readonly candidates: (turn: number) => number[]) {
    this.server = net.createServer((client) => this.relay(client));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: net.Socket): void {
    this.track(client);
    client.pause(); // what the client sends first waits for the upstream
    this.connect(client, this.candidates(this.turn++));
  }

  private connect(client: net.Socket, order: number[]): void {
    const port = order.shift();
    if (port === undefined || client.destroyed) {
      client.destroy();
      return;
    }
    const upstream = net.connect(port, '127.0.0.1');
    const onFailure = () => {
      upstream.destroy();
      this.connect(client, order);
    };
    upstream.once('error', onFailure);
    upstream.once('connect', () => {
      upstream.off('error', onFailure);
      this.routed.set(port, (this.routed.get(port) ?? 0) + 1);
      this.track(upstream);
      // Either side ending ends both, abruptly, as a balancer losing its backend does.
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
      if (client.destroyed) return upstream.destroy();
      client.pipe(upstream).pipe(client);
    });
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => {}); // resets are expected; 'close' follows
    socket.on('close', () => this.sockets.delete(socket));
  }
}

function rotate<T>(items: readonly T[], turn: number): T[] {
  return items.map((_, i) => items[(turn + i) % items.length]!);
}

/**
 * A cluster for the tests of one `describe`: started before them (nodes start slowly under load,
 * hence the long timeout), closed after. Read it through the getter once the tests run.
 */
export function useCluster(options: ClusterOptions, startTimeoutMs = 150_000): () => Cluster {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await Cluster.start(options);
  }, startTimeoutMs);
  afterAll(async () => {
    await cluster?.close();
  }, 30_000);
  return () => {
    if (cluster === undefined) throw new Error('the cluster has not started');
    return cluster;
  };
}
