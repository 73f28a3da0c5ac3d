import type { Options } from './options.js';

// The phases the bench knows, and each numeric option's defaults (full and quick runs) and flag.

export const PHASES = ['sqlite', 'throughput', 'mixed', 'latency', 'bare-ws', 'fanout', 'storm', 'search', 'upload', 'login'] as const;
/** Phases that run only when `--only` names them (the peer comparison and the idle phase start servers of their own, for minutes). */
export const OPT_IN_PHASES = ['peers', 'idle', 'soak', 'grow', 'encryption'] as const;
export type Phase = (typeof PHASES)[number] | (typeof OPT_IN_PHASES)[number];
export const KNOWN_PHASES: readonly string[] = [...PHASES, ...OPT_IN_PHASES];

/** The numeric options: each has a default for full and quick runs, and a flag (intFlags). */
export type Sizes = Omit<
  Options,
  | 'quick'
  | 'client'
  | 'save'
  | 'phases'
  | 'serverNodeArgs'
  | 'peerNodeArgs'
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
  | 'growKeep'
  | 'encryptionStore'
  | 'encryptionStateGroups'
>;

export const FULL: Sizes = {
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

export const QUICK: Sizes = {
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
export const GROW_RESUME = { full: '1000,10000', quick: '100,1000' };
/** The encryption phase's groups whose state is weighed; by default those that fit the members. */
export const ENCRYPTION_STATE_GROUPS = [2, 10, 50];

/** Each numeric flag and the option it sets. */
export const intFlags = {
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
export const zeroAllowed: ReadonlySet<string> = new Set(['storm-outage', 'storm-reconnect-concurrency']);
