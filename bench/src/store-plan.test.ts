import { describe, expect, it } from 'vitest';
import { type ScaleOutReport, formatScaleOut } from './cluster-report.js';
import { mysqlEngine } from './cluster-space.js';
import { parseOptions } from './options.js';
import type { Resources } from './measurement.js';
import { DEFAULT_MYSQL_URL, comparisonPlan } from './store-plan.js';
import type { ThroughputResult } from './throughput.js';

const PG = 'postgres://postgres@127.0.0.1:5432/postgres';
const plan = (...argv: string[]) => comparisonPlan(parseOptions(argv)!);
/** The plan's entries, where a comparison is expected. */
const planned = (...argv: string[]) => plan(...argv) ?? [];

describe('the store comparison’s plan (--nodes, --stores)', () => {
  it('is no comparison at all without either: the ordinary single-node run', () => {
    expect(plan()).toBeNull();
    expect(plan('--nodes', '1')).toBeNull();
    expect(plan('--mysql', 'mysql://root@db:3306/x')).toBeNull();
  });

  it('keeps --nodes N as before: N nodes on PostgreSQL + Redis, on MySQL/MariaDB when --mysql is given, then one SQLite node', () => {
    expect(plan('--nodes', '3', '--postgres', PG)).toEqual([
      { store: 'postgres', nodes: 3, bus: 'redis', url: PG },
      { store: 'sqlite', nodes: 1, bus: 'memory', url: null },
    ]);
    expect(planned('--nodes', '3', '--postgres', PG, '--mysql', 'mysql://root@db:3306/x').map((p) => [p.store, p.nodes, p.url])).toEqual([
      ['postgres', 3, PG],
      ['mariadb', 3, 'mysql://root@db:3306/x'],
      ['sqlite', 1, null],
    ]);
  });

  it('runs one node on each store named, in the order typed, on the in-memory bus, MariaDB on the local server unless --mysql says', () => {
    expect(plan('--stores', 'sqlite,postgres,mariadb', '--postgres', PG)).toEqual([
      { store: 'sqlite', nodes: 1, bus: 'memory', url: null },
      { store: 'postgres', nodes: 1, bus: 'memory', url: PG },
      { store: 'mariadb', nodes: 1, bus: 'memory', url: DEFAULT_MYSQL_URL },
    ]);
    expect(planned('--stores', 'MySQL, postgres', '--postgres', PG).map((p) => p.store)).toEqual(['mariadb', 'postgres']);
  });

  it('runs the named stores on --nodes nodes each with Redis between them, SQLite still on one', () => {
    expect(plan('--stores', 'mariadb,sqlite', '--nodes', '3', '--mysql', 'mysql://root@db:3306/x')).toEqual([
      { store: 'mariadb', nodes: 3, bus: 'redis', url: 'mysql://root@db:3306/x' },
      { store: 'sqlite', nodes: 1, bus: 'memory', url: null },
    ]);
  });

  it('refuses an unknown store, an empty list and a store named twice', () => {
    expect(() => parseOptions(['--stores', 'sqlite,oracle'])).toThrow(
      '--stores: expected some of sqlite, postgres, mariadb, got "sqlite,oracle"',
    );
    expect(() => parseOptions(['--stores', ','])).toThrow('--stores: expected some of');
    expect(() => parseOptions(['--stores', 'mariadb,mysql'])).toThrow('--stores: each store once');
  });

  it('names a MySQL-protocol server as it names itself', () => {
    expect(mysqlEngine('10.11.14-MariaDB-0+deb12u2')).toBe('MariaDB 10.11.14');
    expect(mysqlEngine('8.0.40')).toBe('MySQL 8.0.40');
  });
});

describe('the comparison’s table', () => {
  const resources: Resources = { cpu: { loadGeneratorPct: 40, serverPct: 90 }, server: null, machine: null };
  const throughput = (acksPerSec: number, p99: number): ThroughputResult => ({
    clients: 10,
    conversations: 2,
    window: 8,
    durationSec: 3,
    acks: acksPerSec * 3,
    acksPerSec,
    acksPerSecSeries: [],
    ackLatencyMs: { count: 1, mean: p99, min: p99, p50: p99, p90: p99, p99, p999: p99, max: p99 },
    errors: {},
    unacknowledgedAfterDrain: 0,
    resources,
  });
  const report = (targets: ScaleOutReport['targets']): ScaleOutReport => ({
    schema: 1,
    kind: 'scale-out',
    startedAt: '2026-11-26T17:00:00.000Z',
    finishedAt: '2026-11-26T17:01:00.000Z',
    totalSec: 60,
    quick: true,
    machine: { cores: 2, cpuModel: 'test', node: 'v20', platform: 'linux', arch: 'x64', memoryGiB: 24 },
    options: {},
    targets,
    notes: [],
  });
  const target = (store: string, acks: number, p99: number) => ({
    label: '1 node',
    store,
    nodes: 1,
    setup: { users: 10, registerSec: 1 },
    throughput: throughput(acks, p99),
  });

  it('prints a column for every store, the third included, under a title that says one node each', () => {
    const text = formatScaleOut(
      report([target('SQLite', 3000, 12), target('PostgreSQL 15.14', 900, 40), target('MariaDB 10.11.14', 450, 95.5)]),
    );
    expect(text).toContain('Confab store comparison, one node each (quick)');
    const header = text.split('\n').find((line) => line.includes('1 node, SQLite'))!;
    expect(header).toContain('1 node, PostgreSQL 15.14');
    expect(header).toContain('1 node, MariaDB 10.11.14');
    const acks = text.split('\n').find((line) => line.includes('durable sends/s'))!;
    expect(acks.match(/[\d,]+ acks\/s/g)).toEqual(['3,000 acks/s', '900 acks/s', '450 acks/s']);
    const p99 = text.split('\n').find((line) => line.includes('closed-loop ack p99'))!;
    expect(p99.match(/[\d.]+ ms/g)).toEqual(['12.0 ms', '40.0 ms', '95.5 ms']);
  });

  it('calls a run with several nodes in a column a scale-out comparison', () => {
    expect(formatScaleOut(report([{ ...target('PostgreSQL 15.14 + Redis', 900, 40), label: '3 nodes', nodes: 3 }]))).toContain(
      'Confab scale-out comparison (quick)',
    );
  });
});
