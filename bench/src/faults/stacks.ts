import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../child-processes.js';
import { type NginxProcess, startNginx } from './nginx.js';
import { ConfabNode } from './nodes.js';
import { OwnMariadb } from './mariadb.js';
import { OwnPostgres } from './postgres.js';
import { OwnRedis } from './redis.js';
import { TcpProxy } from './tcp-proxy.js';

type OnCrash = (error: Error) => void;

/**
 * One node on SQLite (the default deployment), or on a database server when `env` names one
 * (`--node-database`), its clients reaching it through a TCP proxy that can cut them all.
 */
export class SingleStack {
  private constructor(
    readonly node: ConfabNode,
    readonly proxy: TcpProxy,
  ) {}

  static async start(name: string, env: Record<string, string>, onCrash: OnCrash, startTimeoutMs = 60_000): Promise<SingleStack> {
    const node = await ConfabNode.create(name, env, onCrash);
    await node.start(startTimeoutMs);
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: node.port });
    return new SingleStack(node, proxy);
  }

  async close(): Promise<void> {
    await this.proxy.close();
    await this.node.stop();
  }
}

/** The database a cluster's nodes share: PostgreSQL, or MariaDB (issue 38). */
export type ClusterDatabase = 'postgres' | 'mariadb';

/** The suite's own database server: its URL, its fault (a restart without a clean shutdown) and its stop. */
export interface OwnDatabase {
  url: string;
  restart(): Promise<void>;
  stop(): void;
}

export async function startDatabase(database: ClusterDatabase, log: (text: string) => void): Promise<OwnDatabase> {
  if (database === 'mariadb') {
    const own = await OwnMariadb.start();
    log(`MariaDB of its own on port ${own.port}`);
    return { url: own.url, restart: () => own.restartKill9(), stop: () => own.stop() };
  }
  const own = await OwnPostgres.start();
  log(`PostgreSQL of its own on port ${own.port}`);
  return { url: own.url, restart: () => own.restartImmediate(), stop: () => own.stop() };
}

/**
 * Three nodes on a PostgreSQL cluster (or a MariaDB server) and a Redis of the suite's own, behind
 * nginx running deploy/nginx.conf: the documented scale-out deployment. Started once per
 * database, shared by the cluster scenarios (each with users and a group of its own); a scenario
 * that stops a node starts it again.
 */
export class ClusterStack {
  private constructor(
    readonly database: OwnDatabase,
    readonly redis: OwnRedis,
    readonly nodes: ConfabNode[],
    readonly nginx: NginxProcess,
  ) {}

  get url(): string {
    return this.nginx.url;
  }

  static async start(onCrash: OnCrash, log: (text: string) => void, database: ClusterDatabase = 'postgres'): Promise<ClusterStack> {
    const binary = nginxBinary();
    const own = await startDatabase(database, log);
    const redis = await OwnRedis.start(onCrash);
    log(`Redis of its own on port ${redis.port}`);
    const env = {
      DATABASE_URL: own.url,
      REDIS_URL: redis.url,
      JWT_SECRET: 'the fault suite shares this secret between its nodes',
    };
    const nodes = await Promise.all([0, 1, 2].map((i) => ConfabNode.create(`node${i}`, env, onCrash)));
    // The first node migrates the empty database: on MariaDB each schema step rebuilds a table and
    // is recorded (decision 0026), tens of seconds on a busy machine; the others start once it has.
    await nodes[0]!.start(database === 'mariadb' ? 240_000 : 60_000);
    await Promise.all(nodes.map((node) => node.start()));
    const nginx = await startNginx(binary, { listenPort: await freePort(), upstreams: nodes.map((n) => `127.0.0.1:${n.port}`) });
    log(`3 nodes on ${database} behind nginx at ${nginx.url}`);
    return new ClusterStack(own, redis, nodes, nginx);
  }

  async ensureAllUp(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.start()));
  }

  /** The node holding the most WebSockets now (the one whose loss hurts most). */
  async busiestNode(): Promise<ConfabNode> {
    const counts = await Promise.all(this.nodes.map((node) => node.metric('confab_websockets_open')));
    const best = counts.indexOf(Math.max(...counts));
    return this.nodes[best]!;
  }

  /** Answers of nginx with status 5xx, by status, logged after `offset` (a length of the access log). */
  fiveXxSince(offset: number): Map<string, number> {
    const counts = new Map<string, number>();
    for (const line of this.nginx.accessLog().slice(offset).split('\n')) {
      const match = /" (5\d\d) /.exec(line);
      if (match) counts.set(match[1]!, (counts.get(match[1]!) ?? 0) + 1);
    }
    return counts;
  }

  get accessLogLength(): number {
    return this.nginx.accessLog().length;
  }

  get errorLogLength(): number {
    return this.nginx.errorLog().length;
  }

  /**
   * The access log's 5xx lines (which nodes were tried, what each answered) and the error log's
   * lines about the upstreams since the offsets, at most 8 of each: a 502 nginx made itself says
   * there why (refused, reset, closed before the answer).
   */
  fiveXxEvidence(accessOffset: number, errorOffset: number): string[] {
    const byPort = new Map(this.nodes.map((node) => [String(node.port), node.name]));
    const named = (line: string) => line.replace(/127\.0\.0\.1:(\d+)/g, (whole, port: string) => byPort.get(port) ?? whole);
    const access = this.nginx
      .accessLog()
      .slice(accessOffset)
      .split('\n')
      .filter((line) => /" 5\d\d /.test(line));
    const errors = this.nginx
      .errorLog()
      .slice(errorOffset)
      .split('\n')
      .filter((line) => /upstream/.test(line))
      // Refused connects to a stopped node are retried on another: the other lines first.
      .sort((x, y) => Number(/connect\(\) failed/.test(x)) - Number(/connect\(\) failed/.test(y)));
    return [
      ...access.slice(0, 8).map((line) => `nginx access: ${named(line)}`),
      ...errors.slice(0, 8).map((line) => `nginx error: ${named(line.replace(/^\S+ \S+ /, '')).slice(0, 400)}`),
    ];
  }

  async close(): Promise<void> {
    await this.nginx.stop();
    await Promise.all(this.nodes.map((node) => node.stop()));
    await this.redis.stop();
    this.database.stop();
  }
}

function nginxBinary(): string {
  const chosen = process.env['NGINX'];
  const candidates = chosen ? [chosen] : ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) if (dir) candidates.push(path.join(dir, 'nginx'));
  const found = candidates.find((file) => {
    if (!existsSync(file)) return false;
    try {
      execFileSync(file, ['-v'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!found) throw new Error('nginx not found (apt-get install nginx-light), or set NGINX');
  return found;
}
