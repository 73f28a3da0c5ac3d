import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { freePort, makeTempDir } from '../child-processes.js';

/**
 * A MariaDB server of the suite's own (mariadb-install-db on a temp directory, its own port and
 * socket), so a fault can kill it without touching anyone else's database, as `OwnPostgres` does
 * for PostgreSQL. Its restart is `kill -9` and a start on the same data: InnoDB recovers from its
 * redo log, the analogue of PostgreSQL's `-m immediate`. MARIADB_BIN names the directory of
 * `mariadbd` and `mariadb-install-db` (default: PATH, /usr/sbin, /usr/bin). As root, the server
 * runs as root (`--user=root`): the data directory is the suite's own.
 */
export class OwnMariadb {
  /** Started and not yet stopped: stopped by `stopAllMariadb` if the run ends abruptly. */
  static readonly running = new Set<OwnMariadb>();
  private server: ChildProcess | undefined;

  private constructor(
    private readonly root: string,
    readonly port: number,
  ) {}

  /** The URL of the database the nodes share. */
  get url(): string {
    return `mysql://root@127.0.0.1:${this.port}/confab`;
  }

  static async start(): Promise<OwnMariadb> {
    const root = makeTempDir('confab-faults-mariadb-');
    const own = new OwnMariadb(root, await freePort());
    execFileSync(
      program('mariadb-install-db'),
      ['--no-defaults', `--datadir=${own.dataDir}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...userArgs()],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
    );
    OwnMariadb.running.add(own);
    await own.launch();
    await own.admin((c) => c.query('create database confab character set utf8mb4'));
    return own;
  }

  /** SIGKILL (no clean shutdown, nothing flushed beyond what InnoDB made durable) and a start on the same data. */
  async restartKill9(): Promise<void> {
    const server = this.server;
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGKILL');
      await exited;
    }
    await this.launch();
  }

  stop(): void {
    OwnMariadb.running.delete(this);
    this.server?.kill('SIGKILL');
    this.server = undefined;
  }

  private get dataDir(): string {
    return path.join(this.root, 'data');
  }

  /** Starts the server and waits (at most 60 s: crash recovery included) until it answers. */
  private async launch(): Promise<void> {
    this.server = spawn(
      program('mariadbd'),
      [
        '--no-defaults',
        `--datadir=${this.dataDir}`,
        `--socket=${path.join(this.root, 'mariadb.sock')}`,
        `--pid-file=${path.join(this.root, 'mariadb.pid')}`,
        `--log-error=${path.join(this.root, 'server.log')}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        '--max-connections=300',
        ...userArgs(),
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await this.admin((c) => c.query('select 1'));
        return;
      } catch (error) {
        if (this.server.exitCode !== null) throw new Error(`mariadbd exited (${this.server.exitCode}): see ${this.root}/server.log`);
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  private async admin<T>(use: (c: mysql.Connection) => Promise<T>): Promise<T> {
    const connection = await mysql.createConnection({ host: '127.0.0.1', port: this.port, user: 'root' });
    try {
      return await use(connection);
    } finally {
      await connection.end();
    }
  }
}

/** Synchronous, for an exit path: a server left running would outlive the run. */
export function stopAllMariadb(): void {
  for (const own of OwnMariadb.running) own.stop();
}

const userArgs = () => (process.getuid?.() === 0 ? ['--user=root'] : []);

function program(name: string): string {
  const dirs = process.env['MARIADB_BIN']
    ? [process.env['MARIADB_BIN']]
    : [...(process.env['PATH'] ?? '').split(path.delimiter), '/usr/sbin', '/usr/bin'];
  const found = dirs
    .filter(Boolean)
    .map((dir) => path.join(dir, name))
    .find((file) => existsSync(file));
  if (!found) throw new Error(`${name} not found (apt-get install mariadb-server), or set MARIADB_BIN`);
  return found;
}
