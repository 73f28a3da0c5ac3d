import { parseArgs } from 'node:util';
import type { FanoutOptions } from './fanout.js';
import type { LatencyOptions } from './latency.js';
import { DEFAULT_MIX, type Mix, parseMix } from './mixed.js';
import {
  ENCRYPTION_STATE_GROUPS,
  FULL,
  GROW_RESUME,
  KNOWN_PHASES,
  PHASES,
  type Phase,
  QUICK,
  intFlags,
  zeroAllowed,
} from './option-defaults.js';
import { type PeerSelection, parsePeerSelection } from './peer-selection.js';
import { type BenchStore, parseStores } from './store-plan.js';
import { checkGrowSizes, parseResumeCounts } from './grow-plan.js';
import { checkEncryptionSizes, parseGroupSizes } from './encryption-plan.js';
import type { ClientKind } from './sockets.js';
import type { ThroughputOptions } from './throughput.js';
import { USAGE } from './usage.js';

export interface Options {
  quick: boolean;
  /** Load-generator WebSocket client: the minimal built-in one, or the `ws` package's. */
  client: ClientKind;
  save: boolean;
  phases: ReadonlySet<Phase>;
  /** Whole-run watchdog, seconds. */
  timeoutSec: number;
  // throughput (closed loop)
  clients: number;
  conversations: number;
  window: number;
  warmupSec: number;
  durationSec: number;
  bodyBytes: number;
  // latency (open loop)
  latencyRate: number;
  latencyDurationSec: number;
  // fan-out
  fanoutMembers: number;
  fanoutMessages: number;
  fanoutWarmup: number;
  fanoutWindow: number;
  // upload (delivery with and without a concurrent upload; the fan-out group's size)
  uploadRate: number;
  uploadDurationSec: number;
  uploadBytes: number;
  // login (delivery with and without logins; the fan-out group and the upload phase's message rate)
  loginRate: number;
  loginDurationSec: number;
  // idle capacity (idle.ts): sockets held open, and the size of the groups each user is in
  idleSockets: number;
  idleGroupSize: number;
  // soak (soak.ts): a steady load for minutes, by windows
  soakSockets: number;
  soakGroups: number;
  soakRate: number;
  soakDurationSec: number;
  soakWindowSec: number;
  // reconnect storm
  stormClients: number;
  stormConversations: number;
  stormRate: number;
  stormWarmupSec: number;
  /** Disconnect → reconnect; 0: at once. */
  stormOutageSec: number;
  stormSenderAfterSec: number;
  /** 0: every client at once. */
  stormReconnectConcurrency: number;
  stormTimeoutSec: number;
  // baselines
  sqliteDurationSec: number;
  sqliteBatch: number;
  // search (search.ts)
  searchMessages: number;
  searchConversations: number;
  searchMemberOf: number;
  searchRequests: number;
  searchRankWindow: number;
  // grow (grow.ts): a large instance seeded in bulk, then a client's calls timed on it
  growUsers: number;
  growMessages: number;
  growConversations: number;
  growUserConversations: number;
  growBigMessages: number;
  /** History pages and searches per query. */
  growRequests: number;
  growSignIns: number;
  // encryption (encryption.ts): issue 39's figures, through the SDK
  /** Members added in one commit. */
  encryptionMembers: number;
  /** Messages of each kind (encrypted, plain) in the alternating latency pairs. */
  encryptionMessages: number;
  // set-up
  registerConcurrency: number;
  connectConcurrency: number;
  /** Extra node flags for the Confab server process, e.g. --cpu-prof --cpu-prof-dir=/tmp/prof. */
  serverNodeArgs: string[];
  /** Node flags for the peers phase's other servers (the Socket.IO peer's variants, the floors). */
  peerNodeArgs: string[];
  /** The mixed phase's share of each kind of action (`--mix reply=0.2`: replies alone, to price them). */
  mix: Mix;
  /** Above 1: the scale-out comparison (cluster.ts), this many nodes on PostgreSQL + Redis against one on SQLite. */
  nodes: number;
  /** The idle phase's server: SQLite as `npm start` runs it, or one cluster node on PostgreSQL + Redis. */
  idleStore: IdleStore;
  /** The soak's server: one node on SQLite, or a cluster node on PostgreSQL + Redis. */
  soakStore: IdleStore;
  /** The grow phase's store, the same two. */
  growStore: IdleStore;
  /** The grow phase's resumes: how many events each one missed (one with none is always measured). */
  growResume: number[];
  /** `--grow-keep`: leave the seeded store in place after the run (printed with how to drop it), to query its plans. */
  growKeep: boolean;
  /** The encryption phase's store, the same two as the soak's. */
  encryptionStore: IdleStore;
  /** Group sizes (devices) whose MLS state per device the encryption phase weighs. */
  encryptionStateGroups: number[];
  /** Where the scale-out comparison and a cluster idle phase make (and drop) a schema, and their Redis. */
  postgresUrl: string;
  /** When set, the scale-out comparison also runs its nodes on MySQL/MariaDB + Redis (a database of its own here, dropped after). */
  mysqlUrl: string | null;
  /** `--stores`: the comparison's stores in the order typed, on `nodes` nodes each (store-plan.ts); null: `--nodes` alone decides. */
  stores: readonly BenchStore[] | null;
  redisUrl: string;
  /** The peers phase's servers, senders per level and send paths (all by default; fewer for a focused A/B). */
  peers: PeerSelection;
}

export type IdleStore = 'sqlite' | 'postgres';

/** Parses the command line; returns null after printing usage for --help. Throws on a bad flag. */
export function parseOptions(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      quick: { type: 'boolean' },
      only: { type: 'string' },
      client: { type: 'string' },
      'no-save': { type: 'boolean' },
      'server-node-args': { type: 'string' },
      'peer-node-args': { type: 'string' },
      mix: { type: 'string' },
      postgres: { type: 'string' },
      mysql: { type: 'string' },
      stores: { type: 'string' },
      redis: { type: 'string' },
      'idle-store': { type: 'string' },
      'soak-store': { type: 'string' },
      'grow-store': { type: 'string' },
      'grow-resume': { type: 'string' },
      'grow-keep': { type: 'boolean' },
      'encryption-store': { type: 'string' },
      'encryption-state-groups': { type: 'string' },
      'peer-targets': { type: 'string' },
      'peer-levels': { type: 'string' },
      'peer-paths': { type: 'string' },
      'peer-users': { type: 'string' },
      ...Object.fromEntries(Object.keys(intFlags).map((name) => [name, { type: 'string' as const }])),
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return null;
  }
  const quick = values.quick === true;
  const sizes = { ...(quick ? QUICK : FULL) };
  for (const [flag, key] of Object.entries(intFlags)) {
    const raw = (values as Record<string, unknown>)[flag];
    if (typeof raw !== 'string') continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0 || (n === 0 && !zeroAllowed.has(flag))) {
      throw new Error(`--${flag}: expected a ${zeroAllowed.has(flag) ? 'non-negative' : 'positive'} number, got "${raw}"`);
    }
    sizes[key] = key.endsWith('Sec') ? n : Math.round(n);
  }
  let phases: Set<Phase> = new Set(PHASES);
  if (typeof values.only === 'string') {
    const asked = values.only
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const unknown = asked.filter((p) => !KNOWN_PHASES.includes(p));
    if (unknown.length > 0) throw new Error(`--only: unknown phase(s) ${unknown.join(', ')}; known: ${KNOWN_PHASES.join(', ')}`);
    phases = new Set(asked as Phase[]);
  }
  if (sizes.searchMemberOf > sizes.searchConversations) throw new Error('--search-member-of cannot exceed --search-conversations');
  if (sizes.fanoutMembers < 2) throw new Error('--fanout-members: at least 2');
  if (sizes.conversations > sizes.clients) throw new Error('--conversations cannot exceed --clients');
  if (sizes.soakSockets % sizes.soakGroups !== 0) throw new Error('--soak-sockets must be a multiple of --soak-groups');
  if (sizes.stormConversations > sizes.stormClients) throw new Error('--storm-conversations cannot exceed --storm-clients');
  const client = values.client ?? 'lite';
  if (client !== 'lite' && client !== 'ws') throw new Error(`--client: expected lite or ws, got "${client}"`);
  const nodeArgs = (raw: unknown) => (typeof raw === 'string' ? raw.split(/\s+/).filter((a) => a !== '') : []);
  const serverNodeArgs = nodeArgs(values['server-node-args']);
  const peerNodeArgs = nodeArgs(values['peer-node-args']);
  const postgresUrl = values.postgres ?? process.env['CONFAB_BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const mysqlUrl = values.mysql ?? process.env['CONFAB_BENCH_MYSQL_URL'] ?? null;
  const stores = typeof values.stores === 'string' ? parseStores(values.stores) : null;
  const redisUrl = values.redis ?? process.env['CONFAB_BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const idleStore = values['idle-store'] ?? 'sqlite';
  if (idleStore !== 'sqlite' && idleStore !== 'postgres') throw new Error(`--idle-store: expected sqlite or postgres, got "${idleStore}"`);
  const soakStore = values['soak-store'] ?? 'sqlite';
  if (soakStore !== 'sqlite' && soakStore !== 'postgres') throw new Error(`--soak-store: expected sqlite or postgres, got "${soakStore}"`);
  const growStore = values['grow-store'] ?? 'sqlite';
  if (growStore !== 'sqlite' && growStore !== 'postgres') throw new Error(`--grow-store: expected sqlite or postgres, got "${growStore}"`);
  const growResume = parseResumeCounts(values['grow-resume'] ?? (quick ? GROW_RESUME.quick : GROW_RESUME.full));
  if (phases.has('grow')) {
    checkGrowSizes({
      users: sizes.growUsers,
      messages: sizes.growMessages,
      conversations: sizes.growConversations,
      userConversations: sizes.growUserConversations,
      bigMessages: sizes.growBigMessages,
    });
    // A full-size seed alone takes an hour or more on a 2-core machine.
    if ((values as Record<string, unknown>)['timeout'] === undefined) sizes.timeoutSec = quick ? 1800 : 6 * 3600;
  }
  const encryptionStore = values['encryption-store'] ?? 'sqlite';
  if (encryptionStore !== 'sqlite' && encryptionStore !== 'postgres')
    throw new Error(`--encryption-store: expected sqlite or postgres, got "${encryptionStore}"`);
  const rawStateGroups = values['encryption-state-groups'];
  const encryptionStateGroups =
    typeof rawStateGroups === 'string'
      ? parseGroupSizes(rawStateGroups)
      : ENCRYPTION_STATE_GROUPS.filter((n) => n <= sizes.encryptionMembers + 1);
  if (phases.has('encryption'))
    checkEncryptionSizes({ members: sizes.encryptionMembers, messages: sizes.encryptionMessages, stateGroups: encryptionStateGroups });
  const mix = typeof values.mix === 'string' ? parseMix(values.mix) : DEFAULT_MIX;
  const peers = parsePeerSelection(values['peer-targets'], values['peer-levels'], values['peer-paths'], values['peer-users']);
  return {
    quick,
    client,
    save: values['no-save'] !== true,
    phases,
    serverNodeArgs,
    peerNodeArgs,
    postgresUrl,
    mysqlUrl,
    stores,
    redisUrl,
    idleStore,
    soakStore,
    growStore,
    growResume,
    growKeep: values['grow-keep'] === true,
    encryptionStore,
    encryptionStateGroups,
    mix,
    peers,
    ...sizes,
  };
}

// ---- each workload's settings, derived once for the single-node run and the cluster comparison ----

export const throughputOptions = (options: Options): ThroughputOptions => ({
  window: options.window,
  warmupMs: options.warmupSec * 1000,
  durationMs: options.durationSec * 1000,
  drainTimeoutMs: 15_000,
});

export const latencyOptions = (options: Options): LatencyOptions => ({
  rate: options.latencyRate,
  warmupMs: options.warmupSec * 1000,
  durationMs: options.latencyDurationSec * 1000,
  drainTimeoutMs: 10_000,
  maxOutstanding: Math.max(1000, options.latencyRate * 5),
});

export const fanoutOptions = (options: Options): FanoutOptions => ({
  messages: options.fanoutMessages,
  warmup: options.fanoutWarmup,
  window: options.fanoutWindow,
  messageTimeoutMs: 10_000,
  batchTimeoutMs: 180_000,
});
