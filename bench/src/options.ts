import { parseArgs } from 'node:util';
import type { FanoutOptions } from './fanout.js';
import type { LatencyOptions } from './latency.js';
import { DEFAULT_MIX, type Mix } from './mixed.js';
import type { SendPath } from './peers/workload.js';
import { type BenchStore, parseStores } from './store-plan.js';
import { checkGrowSizes, parseResumeCounts } from './grow-plan.js';
import { checkEncryptionSizes, parseGroupSizes } from './encryption-plan.js';
import type { ClientKind } from './sockets.js';
import type { ThroughputOptions } from './throughput.js';

export const PHASES = ['sqlite', 'throughput', 'mixed', 'latency', 'bare-ws', 'fanout', 'storm', 'search', 'upload', 'login'] as const;
/** Phases that run only when `--only` names them (the peer comparison and the idle phase start servers of their own, for minutes). */
export const OPT_IN_PHASES = ['peers', 'idle', 'soak', 'grow', 'encryption'] as const;
export type Phase = (typeof PHASES)[number] | (typeof OPT_IN_PHASES)[number];
const KNOWN_PHASES: readonly string[] = [...PHASES, ...OPT_IN_PHASES];

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

/** `flushed` is the peer with `synchronous=FULL`: each commit flushed before it answers, as Confab's ack promises. */
export const PEER_TARGETS = ['peer', 'flushed', 'floor', 'durable', 'confab'] as const;
export type PeerTargetName = (typeof PEER_TARGETS)[number];
export const PEER_PATHS = ['rest', 'socket'] as const satisfies readonly SendPath[];
export const PEER_LEVELS = [1, 10, 100] as const;
/** Who the senders are: a user each, or this many users sharing the senders (each sender its own connection). */
export type PeerSenderUsers = 'each' | number;
export const PEER_USERS: readonly PeerSenderUsers[] = ['each', 4];

export interface PeerSelection {
  targets: readonly PeerTargetName[];
  levels: readonly number[];
  paths: readonly SendPath[];
  /** Each level runs once per entry whose users are fewer than its senders ('each' always). */
  users: readonly PeerSenderUsers[];
  /** Every target, level and path: only such a run replaces results/peers-latest.json. */
  complete: boolean;
}

/** The numeric options: each has a default for full and quick runs, and a flag (intFlags). */
type Sizes = Omit<
  Options,
  | 'quick'
  | 'client'
  | 'save'
  | 'phases'
  | 'serverNodeArgs'
  | 'postgresUrl'
  | 'mysqlUrl'
  | 'stores'
  | 'redisUrl'
  | 'mix'
  | 'peers'
  | 'idleStore'
  | 'soakStore'
  | 'growStore'
  | 'growResume'
  | 'encryptionStore'
  | 'encryptionStateGroups'
>;

const FULL: Sizes = {
  timeoutSec: 1800,
  nodes: 1,
  clients: 50,
  conversations: 10,
  window: 16,
  warmupSec: 2,
  durationSec: 10,
  bodyBytes: 100,
  latencyRate: 2000,
  latencyDurationSec: 10,
  fanoutMembers: 1000,
  fanoutMessages: 500,
  fanoutWarmup: 30,
  // Deliveries/s plateau from 4 in flight on (measured 1…32 on 2 cores); more only adds queueing.
  fanoutWindow: 4,
  uploadRate: 20,
  uploadDurationSec: 10,
  uploadBytes: 25 * 1024 * 1024,
  loginRate: 50,
  loginDurationSec: 10,
  idleSockets: 19_000,
  idleGroupSize: 20,
  soakSockets: 500,
  soakGroups: 10,
  soakRate: 300,
  soakDurationSec: 600,
  soakWindowSec: 15,
  stormClients: 2000,
  stormConversations: 20,
  stormRate: 200,
  stormWarmupSec: 3,
  stormOutageSec: 0,
  stormSenderAfterSec: 2,
  stormReconnectConcurrency: 0,
  stormTimeoutSec: 60,
  sqliteDurationSec: 3,
  sqliteBatch: 100,
  searchMessages: 1_000_000,
  searchConversations: 1000,
  searchMemberOf: 100,
  searchRequests: 200,
  searchRankWindow: 200,
  growUsers: 100_000,
  growMessages: 10_000_000,
  growConversations: 20_000,
  growUserConversations: 2000,
  growBigMessages: 1_000_000,
  growRequests: 200,
  growSignIns: 5,
  encryptionMembers: 50,
  encryptionMessages: 1000,
  registerConcurrency: 8,
  connectConcurrency: 50,
};

const QUICK: Sizes = {
  ...FULL,
  timeoutSec: 300,
  clients: 10,
  conversations: 2,
  window: 8,
  warmupSec: 1,
  durationSec: 3,
  latencyDurationSec: 3,
  fanoutMembers: 100,
  fanoutMessages: 100,
  fanoutWarmup: 10,
  uploadDurationSec: 4,
  loginDurationSec: 4,
  idleSockets: 2000,
  soakSockets: 100,
  soakGroups: 2,
  soakRate: 50,
  soakDurationSec: 30,
  soakWindowSec: 5,
  // Same conversations and rate, so each client gets the same messages/s as in the full run.
  stormClients: 200,
  stormWarmupSec: 2,
  stormTimeoutSec: 30,
  sqliteDurationSec: 1,
  searchMessages: 100_000,
  searchRequests: 50,
  growUsers: 2000,
  growMessages: 200_000,
  growConversations: 2000,
  growUserConversations: 200,
  growBigMessages: 50_000,
  growRequests: 100,
  growSignIns: 3,
  encryptionMembers: 10,
  encryptionMessages: 50,
};

/** The grow phase's resumes: events missed (full and quick sizes). */
const GROW_RESUME = { full: '1000,10000', quick: '100,1000' };
/** The encryption phase's groups whose state is weighed; by default those that fit the members. */
const ENCRYPTION_STATE_GROUPS = [2, 10, 50];

export const USAGE = `Usage: npm run bench -- [flags]        (or: node bench/dist/run.js [flags])

  --quick                     small sizes for a smoke run (saved as <timestamp>-quick.json)
  --only <list>               comma-separated phases to run: ${PHASES.join(',')}; also peers (Confab
                              against a hand-written Socket.IO server), idle, soak, grow and encryption, run only when named)
  --no-save                   print only; write nothing to bench/results
  --client lite|ws            load-generator WebSocket client: a minimal one that parses frames in
                              place (default), or the \`ws\` package's (costs the generator more CPU)
  --timeout <s>               abort the whole run after this long (default 1800; quick 300)

 peer comparison (--only peers): a focused run, e.g. Confab alone at 100 socket senders to A/B a build
  --peer-targets <list>       of ${PEER_TARGETS.join(',')} (default all; the ratios need the peer)
  --peer-levels <list>        senders per level                          (default ${PEER_LEVELS.join(',')})
  --peer-paths <list>         of ${PEER_PATHS.join(',')}                           (default both)
  --peer-users <list>         who sends: each (a user per sender) and/or a number of users the senders
                              share, each sender on its own connection; a level runs a number only
                              when it is below its senders                (default ${PEER_USERS.join(',')})
                              a run with fewer than all is saved, but never as results/peers-latest.json

 scale-out and store comparison
  --nodes <n>                 above 1: throughput, latency and fan-out against <n> nodes on PostgreSQL +
                              Redis (clients spread over them) and against 1 node on SQLite, side by
                              side, plus cross-node delivery latency (senders on one node, receivers on
                              the others); the other phases do not run (default 1)
  --stores <list>             the comparison on these stores, in this order: of sqlite,postgres,mariadb
                              (mysql: the same), each on --nodes nodes (SQLite on one; Redis between
                              nodes only when there are several), e.g. --stores sqlite,postgres,mariadb
                              alone: one node on each (default with --nodes: postgres[,mariadb],sqlite)
  --postgres <url>            database the comparison makes its own schema in, and drops
                              (default $CONFAB_BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres)
  --mysql <url>               the scale-out comparison also runs its nodes on this MySQL/MariaDB server
                              + Redis, in a database of its own (default $CONFAB_BENCH_MYSQL_URL; unset: not
                              run, except that --stores …,mariadb uses mysql://root@127.0.0.1:3306/mysql)
  --redis <url>               Redis for the comparison, on a channel prefix of its own
                              (default $CONFAB_BENCH_REDIS_URL or redis://127.0.0.1:6379)

 durable sends (closed loop, acks/s)
  --clients <n>               WebSocket clients, one user each          (default 50; quick 10)
  --conversations <n>         groups the clients are spread over        (default 10; quick 2)
  --window <n>                outstanding sends per client              (default 16; quick 8)
  --warmup <s>                unmeasured warm-up before each timed phase (default 2; quick 1)
  --duration <s>              measured duration                          (default 10; quick 3)
  --body-bytes <n>            message body size                          (default 100)
  --mix <kind=share,…>        the mixed phase's actions other than plain sends (default
                              reply=0.1,reaction=0.1,edit=0.02,delete=0.01; one kind alone prices it)

 ack latency (open loop)
  --latency-rate <n>          offered sends/s                            (default 2000)
  --latency-duration <s>      measured duration                          (default 10; quick 3)

 fan-out (one group, one socket per member)
  --fanout-members <n>        members = connected sockets                (default 1000; quick 100)
  --fanout-messages <n>       measured messages                          (default 500; quick 100)
  --fanout-warmup <n>         unmeasured messages first                  (default 30; quick 10)
  --fanout-window <n>         messages in flight (not yet received by every socket) (default 4)

 upload (delivery to --fanout-members sockets, alone and while a 25 MiB image uploads)
  --upload-rate <n>           messages/s into the group, open loop        (default 20)
  --upload-duration <s>       each of the two windows                     (default 10; quick 4)
  --upload-bytes <n>          the uploaded PNG's size                     (default 26214400)

 login (delivery to --fanout-members sockets at --upload-rate, alone and while others sign in)
  --login-rate <n>            logins/s, open loop, from a process of its own (default 50)
  --login-duration <s>        each of the two windows                     (default 10; quick 4)

 idle (sockets held open: server RSS per socket, delivery to --fanout-members at --upload-rate)
  --idle-sockets <n>          signed-in sockets, one user each, in 5 groups each (default 19000; quick 2000)
  --idle-group-size <n>       members of each of those groups              (default 20)
  --idle-store sqlite|postgres  the server: one node on SQLite, or one cluster node on PostgreSQL +
                              Redis (--postgres, --redis; a schema and prefix of its own) (default sqlite)

 soak (--only soak, run only when named): a steady open loop for minutes, figures by window
  --soak-sockets <n>          sockets, one user each, in --soak-groups groups  (default 500; quick 100)
  --soak-groups <n>           groups; the first member of each sends           (default 10; quick 2)
  --soak-rate <n>             messages/s over all groups                       (default 300; quick 50)
  --soak-duration <s>         how long                                         (default 600; quick 30)
  --soak-window <s>           the windows' length                              (default 15; quick 5)
  --soak-store sqlite|postgres  one node on SQLite, or one cluster node on PostgreSQL + Redis
                              (--postgres, --redis; a schema and prefix of its own) (default sqlite)

 reconnect storm (every client dropped at once, all resume at once while messages flow)
  --storm-clients <n>         WebSocket clients, one user each          (default 2000; quick 200)
  --storm-conversations <n>   groups they are spread over, +1 sender each (default 20)
  --storm-rate <n>            offered messages/s into the groups, the whole phase (default 200)
  --storm-warmup <s>          messages flowing before the disconnect    (default 3; quick 2)
  --storm-outage <s>          disconnect → reconnect (0: at once)        (default 0)
  --storm-sender-after <s>    the sender stops this long after the reconnect starts (default 2)
  --storm-reconnect-concurrency <n>  handshakes in flight during the reconnect (0: all at once) (default 0)
  --storm-timeout <s>         bound on catching up, from the disconnect (default 60; quick 30)

 baselines
  --sqlite-duration <s>       per SQLite variant                         (default 3; quick 1)
  --sqlite-batch <n>          rows per transaction, batched variant      (default 100)

 full-text search (a SQLite store filled in bulk, searched through the REST API)
  --search-messages <n>       messages stored, spread over --search-conversations <n> (default 1000000
                              over 1000; quick 100000); the searcher is in --search-member-of <n> (100)
  --search-requests <n>       sequential requests per query (default 200; quick 50); --search-rank-window <n>

 large instance (--only grow, run only when named; its own server, seeded in bulk, then timed as a client)
  --grow-store sqlite|postgres  one node on SQLite, or one cluster node on PostgreSQL + Redis (default sqlite)
  --grow-users <n>            users                                     (default 100000; quick 2000)
  --grow-messages <n>         messages                                  (default 10000000; quick 200000)
  --grow-conversations <n>    conversations                             (default 20000; quick 2000)
  --grow-user-conversations <n>  the measured user's, the biggest among them (default 2000; quick 200)
  --grow-big-messages <n>     messages of the biggest conversation      (default 1000000; quick 50000)
  --grow-resume <list>        events missed by each resume measured     (default 1000,10000; quick 100,1000)
  --grow-requests <n>         history pages and searches per query      (default 200; quick 100)
  --grow-sign-ins <n>         sign-ins, each loading the whole list     (default 5; quick 3)
                              a full-size run takes hours: its timeout is 6 h unless --timeout says

 end-to-end encryption (--only encryption, run only when named; its own server, every device an SDK client here)
  --encryption-members <n>    members added in one commit, then the time until each reads (default 50; quick 10)
  --encryption-messages <n>   encrypted and as many plain messages, alternating, one at a time, between
                              the same two devices: send → receive               (default 1000; quick 50)
  --encryption-state-groups <list>  group sizes (devices) whose MLS state per device is weighed
                              (default 2,10,50, those at most --encryption-members + 1)
  --encryption-store sqlite|postgres  one node on SQLite, or one cluster node on PostgreSQL + Redis
                              (--postgres, --redis; a schema and prefix of its own) (default sqlite)

 set-up
  --register-concurrency <n>  registrations in flight (argon2 is ~10-30 ms each) (default 8)
  --connect-concurrency <n>   WebSocket handshakes in flight             (default 50)
  --server-node-args <s>   node flags for the Confab server, e.g. --server-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof"
`;

const intFlags = {
  timeout: 'timeoutSec',
  nodes: 'nodes',
  clients: 'clients',
  conversations: 'conversations',
  window: 'window',
  warmup: 'warmupSec',
  duration: 'durationSec',
  'body-bytes': 'bodyBytes',
  'latency-rate': 'latencyRate',
  'latency-duration': 'latencyDurationSec',
  'fanout-members': 'fanoutMembers',
  'fanout-messages': 'fanoutMessages',
  'fanout-warmup': 'fanoutWarmup',
  'fanout-window': 'fanoutWindow',
  'upload-rate': 'uploadRate',
  'upload-duration': 'uploadDurationSec',
  'upload-bytes': 'uploadBytes',
  'login-rate': 'loginRate',
  'login-duration': 'loginDurationSec',
  'idle-sockets': 'idleSockets',
  'idle-group-size': 'idleGroupSize',
  'soak-sockets': 'soakSockets',
  'soak-groups': 'soakGroups',
  'soak-rate': 'soakRate',
  'soak-duration': 'soakDurationSec',
  'soak-window': 'soakWindowSec',
  'storm-clients': 'stormClients',
  'storm-conversations': 'stormConversations',
  'storm-rate': 'stormRate',
  'storm-warmup': 'stormWarmupSec',
  'storm-outage': 'stormOutageSec',
  'storm-sender-after': 'stormSenderAfterSec',
  'storm-reconnect-concurrency': 'stormReconnectConcurrency',
  'storm-timeout': 'stormTimeoutSec',
  'sqlite-duration': 'sqliteDurationSec',
  'sqlite-batch': 'sqliteBatch',
  'search-messages': 'searchMessages',
  'search-conversations': 'searchConversations',
  'search-member-of': 'searchMemberOf',
  'search-requests': 'searchRequests',
  'search-rank-window': 'searchRankWindow',
  'grow-users': 'growUsers',
  'grow-messages': 'growMessages',
  'grow-conversations': 'growConversations',
  'grow-user-conversations': 'growUserConversations',
  'grow-big-messages': 'growBigMessages',
  'grow-requests': 'growRequests',
  'grow-sign-ins': 'growSignIns',
  'encryption-members': 'encryptionMembers',
  'encryption-messages': 'encryptionMessages',
  'register-concurrency': 'registerConcurrency',
  'connect-concurrency': 'connectConcurrency',
} as const satisfies Record<string, keyof typeof FULL>;

/** Flags for which 0 means something (none, or all at once). */
const zeroAllowed: ReadonlySet<string> = new Set(['storm-outage', 'storm-reconnect-concurrency']);

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
      mix: { type: 'string' },
      postgres: { type: 'string' },
      mysql: { type: 'string' },
      stores: { type: 'string' },
      redis: { type: 'string' },
      'idle-store': { type: 'string' },
      'soak-store': { type: 'string' },
      'grow-store': { type: 'string' },
      'grow-resume': { type: 'string' },
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
  const rawNodeArgs = values['server-node-args'];
  const serverNodeArgs = typeof rawNodeArgs === 'string' ? rawNodeArgs.split(/\s+/).filter((a) => a !== '') : [];
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
    postgresUrl,
    mysqlUrl,
    stores,
    redisUrl,
    idleStore,
    soakStore,
    growStore,
    growResume,
    encryptionStore,
    encryptionStateGroups,
    mix,
    peers,
    ...sizes,
  };
}

/**
 * `--peer-targets`, `--peer-levels`, `--peer-paths`, `--peer-users`: each a comma-separated list;
 * run in the tables' order whatever order was typed.
 */
export function parsePeerSelection(targets?: string, levels?: string, paths?: string, users?: string): PeerSelection {
  const list = (text: string) => [...new Set(text.split(',').map((s) => s.trim()))].filter((s) => s !== '');
  const pick = <T extends string>(flag: string, text: string | undefined, known: readonly T[]): readonly T[] => {
    if (text === undefined) return known;
    const asked = list(text);
    const unknown = asked.filter((a) => !(known as readonly string[]).includes(a));
    if (unknown.length > 0 || asked.length === 0) throw new Error(`--${flag}: expected some of ${known.join(', ')}, got "${text}"`);
    return known.filter((k) => asked.includes(k));
  };
  const chosenLevels = levels === undefined ? [...PEER_LEVELS] : list(levels).map(Number);
  if (chosenLevels.length === 0 || chosenLevels.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--peer-levels: expected positive whole numbers of senders, got "${levels}"`);
  chosenLevels.sort((a, b) => a - b);
  const chosenUsers = users === undefined ? [...PEER_USERS] : list(users).map((u) => (u === 'each' ? u : Number(u)));
  if (chosenUsers.length === 0 || chosenUsers.some((u) => u !== 'each' && (!Number.isInteger(u) || u < 1)))
    throw new Error(`--peer-users: expected each and/or positive whole numbers of users, got "${users}"`);
  // 'each' first, then the fewest users.
  chosenUsers.sort((a, b) => (a === 'each' ? -1 : b === 'each' ? 1 : a - b));
  const selection = {
    targets: pick('peer-targets', targets, PEER_TARGETS),
    levels: chosenLevels,
    paths: pick('peer-paths', paths, PEER_PATHS),
    users: chosenUsers,
  };
  const complete =
    selection.targets.length === PEER_TARGETS.length &&
    selection.paths.length === PEER_PATHS.length &&
    selection.levels.join() === PEER_LEVELS.join() &&
    selection.users.join() === PEER_USERS.join();
  return { ...selection, complete };
}

/** `reply=0.2,edit=0.05`: the kinds named, each with its share of the actions; the others none. */
export function parseMix(text: string): Mix {
  const mix: Mix = { reply: 0, reaction: 0, edit: 0, delete: 0 };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const [kind, raw] = part.split('=');
    const share = Number(raw);
    if (!kind || !(kind in mix)) throw new Error(`--mix: unknown kind "${kind}"; known: ${Object.keys(mix).join(', ')}`);
    if (raw === undefined || !Number.isFinite(share) || share < 0 || share > 1)
      throw new Error(`--mix: ${kind} needs a share from 0 to 1, got "${raw}"`);
    mix[kind as keyof Mix] = share;
  }
  if (mix.reply + mix.reaction + mix.edit + mix.delete > 1) throw new Error('--mix: the shares add up to more than 1');
  return mix;
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
