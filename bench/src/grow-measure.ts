import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import type { ConversationPage, MessagePage, SearchPage } from '@confab/protocol';
import { startConfab } from './server-process.js';
import { BENCH_PASSWORD } from './setup.js';
import { type Summary, mulberry32, round, sleep, slowest, summarize } from './stats.js';

/**
 * What a client meets on the large instance, measured over HTTP and WebSocket as the web app and
 * the SDK ask: start-up, sign-in to a usable conversation list, history pages, resume, search.
 */

export function rssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? round(Number(match[1]) / 1024, 1) : NaN;
}

/** Spawn → `/healthz` answers (polled every 100 ms) → `/readyz` answers; the server's RSS then. */
export async function startTimed(fatal: (error: unknown) => never, nodeArgs: readonly string[], env: Record<string, string>) {
  const started = performance.now();
  const confab = await startConfab(fatal, nodeArgs, env);
  const healthyMs = performance.now() - started;
  while ((await fetch(`${confab.baseUrl}/readyz`).catch(() => null))?.status !== 200) await sleep(20);
  const readyMs = performance.now() - started;
  return { confab, startupMs: round(readyMs, 0), healthyMs: round(healthyMs, 0), rssMiB: rssMiB(confab.child.pid) };
}

async function getJson<T>(url: string, token: string): Promise<{ body: T; ms: number }> {
  const t = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  const ms = performance.now() - t;
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${text.slice(0, 300)}`);
  return { body: JSON.parse(text) as T, ms };
}

export interface SignInResult {
  /** Login + every page of the list, as the web app loads it (conversation-store.ts: 100 a page, archived included). */
  restCalls: number;
  loginMs: Summary | null;
  /** Login → the first page (the list on screen). */
  firstPageMs: Summary | null;
  /** Login → every page: every conversation with its unread count. */
  fullListMs: Summary | null;
  /** Each list page alone (an interactive call). */
  pageMs: Summary | null;
  /** The slowest list pages and where they came in the order of calls. */
  pageSlowest: { at: number; ms: number }[];
  /** `limit=1`, 20 times after the sign-ins. */
  pageOfOneMs: Summary | null;
  conversations: number;
  unreadTotal: number;
  /** Σ of the rows' unread counts (equals unreadTotal when the counts agree). */
  unreadSum: number;
  accessToken: string;
}

export async function signIn(baseUrl: string, username: string, times: number): Promise<SignInResult> {
  const login: number[] = [];
  const first: number[] = [];
  const full: number[] = [];
  const pages: number[] = [];
  let last = { restCalls: 0, conversations: 0, unreadTotal: 0, unreadSum: 0, accessToken: '' };
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: BENCH_PASSWORD }),
    });
    if (response.status !== 200) throw new Error(`login: ${response.status} ${await response.text()}`);
    const { accessToken } = (await response.json()) as { accessToken: string };
    login.push(performance.now() - t0);
    let calls = 1;
    let conversations = 0;
    let unreadSum = 0;
    let unreadTotal = 0;
    for (let cursor: string | null = null; ;) {
      const query: string = `limit=100&archived=include${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const { body, ms } = await getJson<ConversationPage>(`${baseUrl}/api/v1/conversations?${query}`, accessToken);
      calls += 1;
      pages.push(ms);
      if (calls === 2) first.push(performance.now() - t0);
      conversations += body.items.length;
      unreadSum += body.items.reduce((sum, c) => sum + c.unreadCount, 0);
      unreadTotal = body.unreadTotal;
      if (body.nextCursor === null) break;
      cursor = body.nextCursor;
    }
    full.push(performance.now() - t0);
    last = { restCalls: calls, conversations, unreadTotal, unreadSum, accessToken };
  }
  // A page of one row beside the pages of 100: what a page costs whatever it returns (the work done for every membership).
  const one: number[] = [];
  for (let i = 0; i < 20; i++) one.push((await getJson<ConversationPage>(`${baseUrl}/api/v1/conversations?limit=1`, last.accessToken)).ms);
  return {
    ...last,
    loginMs: summarize(login),
    firstPageMs: summarize(first),
    fullListMs: summarize(full),
    pageMs: summarize(pages),
    pageSlowest: slowest(pages),
    pageOfOneMs: summarize(one),
  };
}

/** `requests` pages of 50 before random seqs of the big conversation, and its newest page. */
export async function historyPages(baseUrl: string, token: string, conversationId: string, lastSeq: number, requests: number) {
  const rnd = mulberry32(7);
  const url = (before?: number) =>
    `${baseUrl}/api/v1/conversations/${conversationId}/messages?limit=50${before ? `&before=${before}` : ''}`;
  const newest: number[] = [];
  for (let i = 0; i < 20; i++) newest.push((await getJson<MessagePage>(url(), token)).ms);
  const anywhere: number[] = [];
  let wrong = 0;
  for (let i = 0; i < requests; i++) {
    const before = 51 + Math.floor(rnd() * Math.max(1, lastSeq - 50));
    const { body, ms } = await getJson<MessagePage>(url(before), token);
    anywhere.push(ms);
    // Gap-free seqs: the 50 just before `before`, whatever the order of the page.
    const seqs = body.items.map((m) => m.seq).sort((a, b) => a - b);
    if (seqs.length !== 50 || seqs[0] !== before - 50 || seqs[49] !== before - 1) wrong += 1;
  }
  return {
    newestMs: summarize(newest),
    newestSlowest: slowest(newest),
    anywhereMs: summarize(anywhere),
    anywhereSlowest: slowest(anywhere),
    pagesNotAsStored: wrong,
  };
}

export interface ResumeResult {
  /** Events the user may read after the cursor (the plan's count). */
  missed: number;
  /** Positioned events received before `ready`. */
  replayed: number;
  /** Every frame's bytes until `ready`, `ready` included (its heads: one per conversation). */
  bytes: number;
  readyBytes: number;
  /** `ready`'s bytes for a client without `heads=moved` (every head: one per conversation). */
  allHeadsReadyBytes: number;
  /** Upgrade request → `ready`, the median of the tries. */
  ms: number;
  tries: number[];
}

/** A socket resuming from `since`: frames and bytes until `ready`. */
export function resumeOnce(url: string): Promise<{ replayed: number; bytes: number; readyBytes: number; ms: number; reset: unknown }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const ws = new WebSocket(url);
    let bytes = 0;
    let replayed = 0;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('no ready within 120 s'));
    }, 120_000);
    ws.on('message', (raw: WebSocket.RawData) => {
      const data = raw as Buffer;
      bytes += data.length;
      const frame = JSON.parse(data.toString('utf8')) as { type: string; pos?: number; reset?: unknown };
      if (typeof frame.pos === 'number') replayed += 1;
      if (frame.type !== 'ready') return;
      const ms = performance.now() - t0;
      clearTimeout(timer);
      ws.close();
      resolve({ replayed, bytes, readyBytes: data.length, ms, reset: frame.reset });
    });
    ws.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export async function resume(wsUrl: string, cursor: string, missed: number, tries: number): Promise<ResumeResult> {
  const runs = [];
  for (let i = 0; i < tries; i++) {
    // As the SDK resumes: only the heads that moved after the cursor (docs/realtime.md).
    const run = await resumeOnce(`${wsUrl}&since=${encodeURIComponent(cursor)}&heads=moved`);
    if (run.reset !== null) throw new Error(`resume from ${cursor} was reset (${String(run.reset)})`);
    runs.push(run);
  }
  const allHeads = await resumeOnce(`${wsUrl}&since=${encodeURIComponent(cursor)}`);
  const byTime = [...runs].sort((a, b) => a.ms - b.ms);
  const median = byTime[Math.floor(byTime.length / 2)]!;
  return {
    missed,
    replayed: median.replayed,
    bytes: median.bytes,
    readyBytes: median.readyBytes,
    allHeadsReadyBytes: allHeads.readyBytes,
    ms: round(median.ms, 1),
    tries: runs.map((r) => round(r.ms, 1)),
  };
}

/** Sequential searches of each query as the measured user (all their conversations). */
export async function searches(baseUrl: string, token: string, queries: readonly { label: string; q: string }[], requests: number) {
  const results = [];
  for (const { label, q } of queries) {
    const url = `${baseUrl}/api/v1/search?q=${encodeURIComponent(q)}`;
    for (let i = 0; i < 5; i++) await getJson<SearchPage>(url, token);
    const samples: number[] = [];
    let hits = 0;
    for (let i = 0; i < requests; i++) {
      const { body, ms } = await getJson<SearchPage>(url, token);
      hits = body.items.length;
      samples.push(ms);
    }
    results.push({ label, q, firstPageHits: hits, latencyMs: summarize(samples), slowest: slowest(samples) });
  }
  return results;
}
