import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, chownSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { freePort, makeTempDir } from '../child-processes.js';

/**
 * A PostgreSQL cluster of the suite's own (initdb on a temp directory, its own port), so a fault
 * can restart it without touching anyone else's database. Debian keeps the server programs in
 * /usr/lib/postgresql/<version>/bin, off PATH; PG_BIN overrides the directory. initdb and the
 * server refuse to run as root: as root, they run as the `postgres` user.
 */
export class OwnPostgres {
  /** Started and not yet stopped: stopped by `stopAllPostgres` if the run ends abruptly. */
  static readonly running = new Set<OwnPostgres>();

  private constructor(
    private readonly bin: string,
    private readonly dataDir: string,
    readonly port: number,
    private readonly asUser: string | undefined,
  ) {}

  /** The URL of the database the nodes share. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/confab`;
  }

  static async start(): Promise<OwnPostgres> {
    const bin = postgresBin();
    const root = makeTempDir('confab-faults-pg-');
    chmodSync(root, 0o755);
    const asUser = process.getuid?.() === 0 ? 'postgres' : undefined;
    const dataDir = path.join(root, 'data');
    const own = new OwnPostgres(bin, dataDir, await freePort(), asUser);
    if (asUser) chownSync(root, uidOf(asUser), gidOf(asUser));
    own.run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    own.pgCtl(['start', '-o', `-p ${own.port} -k ${root} -c listen_addresses=127.0.0.1 -c max_connections=200`]);
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${own.port}/postgres` });
    await admin.connect();
    await admin.query('create database confab');
    await admin.end();
    OwnPostgres.running.add(own);
    return own;
  }

  /** `pg_ctl restart -m immediate`: the server is killed without a checkpoint and recovers from its WAL. */
  async restartImmediate(): Promise<void> {
    // Not execFileSync: the clients of the run share this event loop and must go on meanwhile.
    const [command, argv] = this.command('pg_ctl', [...this.pgCtlArgs(), 'restart', '-m', 'immediate']);
    await promisify(execFile)(command, argv, { timeout: 120_000 });
  }

  stop(): void {
    OwnPostgres.running.delete(this);
    try {
      this.pgCtl(['stop', '-m', 'fast']);
    } catch {
      /* already down */
    }
  }

  private pgCtlArgs(): string[] {
    return ['-D', this.dataDir, '-l', path.join(path.dirname(this.dataDir), 'server.log'), '-w', '-t', '60'];
  }

  private pgCtl(args: string[]): void {
    this.run('pg_ctl', [...this.pgCtlArgs(), ...args]);
  }

  private command(program: string, args: string[]): [string, string[]] {
    const file = path.join(this.bin, program);
    return this.asUser ? ['runuser', ['-u', this.asUser, '--', file, ...args]] : [file, args];
  }

  private run(program: string, args: string[]): void {
    const [command, argv] = this.command(program, args);
    execFileSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  }
}

/** Synchronous, for an exit path: a server left running would outlive the run. */
export function stopAllPostgres(): void {
  for (const own of OwnPostgres.running) own.stop();
}

function postgresBin(): string {
  const chosen = process.env['PG_BIN'];
  if (chosen) return chosen;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => path.join(base, v, 'bin')).find((dir) => existsSync(path.join(dir, 'pg_ctl')));
  if (!found)
    throw new Error('PostgreSQL server programs not found in /usr/lib/postgresql/*/bin (apt-get install postgresql), or set PG_BIN');
  return found;
}

const uidOf = (user: string) => Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
const gidOf = (user: string) => Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
