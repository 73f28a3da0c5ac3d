import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GrowSizes } from './grow-plan.js';
import type { ResumeResult, SignInResult } from './grow-measure.js';
import type { Engine } from './grow-rows.js';
import { RESULTS_DIR } from './report.js';
import { type Summary, round } from './stats.js';

/** Issue 41 item 3's bars: every interactive call p99 < 50 ms, start-up < 5 s, resume proportional to what was missed. */
export const GROW_BARS = { interactiveP99Ms: 50, startupMs: 5000, perEventSpread: 0.25 };

/** The slowest calls of a series and their place in it (0 = the first call); absent from results before 2026-11-27 evening. */
type Slowest = { at: number; ms: number }[];

export interface GrowResult {
  date: string;
  engine: Engine;
  machine: { cores: number; cpuModel: string; loadAverage: [number, number] };
  sizes: GrowSizes;
  seed: { prepareSec: number; sec: number; messagesPerSec: number; eventsKept: number; storeBytes: number; bytesPerMessage: number };
  startup: { startupMs: number; healthyMs: number; rssMiB: number; rssAfterMiB: number; emptyStartupMs: number; emptyRssMiB: number };
  signIn: Omit<SignInResult, 'accessToken'> & { unreadPlanned: number };
  history: {
    lastSeq: number;
    newestMs: Summary | null;
    newestSlowest?: Slowest;
    anywhereMs: Summary | null;
    anywhereSlowest?: Slowest;
    pagesNotAsStored: number;
  };
  resume: ResumeResult[];
  search: { label: string; q: string; firstPageHits: number; latencyMs: Summary | null; slowest?: Slowest }[];
  verdicts: { label: string; value: string; bar: string; met: boolean | null }[];
}

/**
 * Resume is proportional to what was missed when every resume replays exactly the missed events
 * and the bytes beyond the resume with nothing missed, per missed event, are the same (within
 * `perEventSpread`) whatever the count.
 */
export function resumeVerdict(resumes: readonly ResumeResult[]): { perEventBytes: number[]; met: boolean } {
  const base = resumes.find((r) => r.missed === 0);
  const missed = resumes.filter((r) => r.missed > 0);
  const perEventBytes = missed.map((r) => round((r.bytes - (base?.bytes ?? 0)) / r.missed, 1));
  const exact = resumes.every((r) => r.replayed === r.missed);
  const top = Math.max(...perEventBytes);
  const spread = perEventBytes.every((b) => top > 0 && Math.abs(b - top) / top <= GROW_BARS.perEventSpread);
  return { perEventBytes, met: base !== undefined && missed.length > 0 && exact && spread };
}

type Verdict = GrowResult['verdicts'][number];
const p99 = (s: Summary | null) => s?.p99 ?? NaN;
const interactive = (label: string, s: Summary | null): Verdict => ({
  label,
  value: `p50 ${s?.p50 ?? '–'} / p99 ${s?.p99 ?? '–'} ms`,
  bar: `p99 < ${GROW_BARS.interactiveP99Ms} ms`,
  met: p99(s) < GROW_BARS.interactiveP99Ms,
});

export function verdicts(r: Omit<GrowResult, 'verdicts'>): Verdict[] {
  const resume = resumeVerdict(r.resume);
  const searchWorst = Math.max(...r.search.map((q) => p99(q.latencyMs)));
  return [
    {
      label: 'start-up (spawn → ready)',
      value: `${r.startup.startupMs} ms`,
      bar: `< ${GROW_BARS.startupMs} ms`,
      met: r.startup.startupMs < GROW_BARS.startupMs,
    },
    {
      label: 'server RSS after start-up / after the run',
      value: `${r.startup.rssMiB} / ${r.startup.rssAfterMiB} MiB (on the empty store ${r.startup.emptyRssMiB} MiB)`,
      bar: '',
      met: null,
    },
    {
      label: 'sign-in to the whole list (REST calls, time)',
      value: `${r.signIn.restCalls} calls, first page p50 ${r.signIn.firstPageMs?.p50} ms, all ${r.signIn.conversations} p50 ${r.signIn.fullListMs?.p50} ms (login p50 ${r.signIn.loginMs?.p50} ms)`,
      bar: '',
      met: null,
    },
    interactive('a list page of 100 (unread counts included)', r.signIn.pageMs),
    interactive('a list page of 1 (the same query, one row)', r.signIn.pageOfOneMs),
    {
      label: 'unread counts for every conversation',
      value: `${r.signIn.unreadTotal} unread (planned ${r.signIn.unreadPlanned}; Σ rows ${r.signIn.unreadSum})`,
      bar: 'as seeded',
      met: r.signIn.unreadTotal === r.signIn.unreadPlanned && r.signIn.unreadSum === r.signIn.unreadPlanned,
    },
    interactive(`history page anywhere in ${r.history.lastSeq.toLocaleString('en-US')} messages`, r.history.anywhereMs),
    interactive('history: the newest page', r.history.newestMs),
    ...r.resume.map((x) => ({
      label: `resume, ${x.missed.toLocaleString('en-US')} events missed`,
      value: `${x.replayed} replayed, ${round(x.bytes / 1024, 1)} KiB (ready ${round(x.readyBytes / 1024, 1)} KiB; ${round(x.allHeadsReadyBytes / 1024, 1)} KiB without heads=moved), ${x.ms} ms`,
      bar: '',
      met: null,
    })),
    {
      label: 'resume proportional to what was missed',
      value: `bytes per missed event ${resume.perEventBytes.join(', ')}`,
      bar: `equal within ${GROW_BARS.perEventSpread * 100} %, all replayed`,
      met: resume.met,
    },
    {
      label: 'search, worst query',
      value: `p99 ${searchWorst} ms`,
      bar: `p99 < ${GROW_BARS.interactiveP99Ms} ms`,
      met: searchWorst < GROW_BARS.interactiveP99Ms,
    },
    {
      label: 'database bytes per message',
      value: `${r.seed.bytesPerMessage} (${round(r.seed.storeBytes / 2 ** 30, 2)} GiB)`,
      bar: '',
      met: null,
    },
  ];
}

export function formatGrow(r: GrowResult): string {
  const s = r.sizes;
  const lines = [
    '',
    `Large instance (issue 41 item 3) on ${r.engine}: ${s.users.toLocaleString('en-US')} users, ${s.messages.toLocaleString('en-US')} messages in ${s.conversations.toLocaleString('en-US')} conversations; the measured user in ${s.userConversations.toLocaleString('en-US')}, the biggest ${s.bigMessages.toLocaleString('en-US')} messages`,
    `seeded in ${r.seed.sec} s (${r.seed.messagesPerSec.toLocaleString('en-US')} messages/s; planned and bodies tokenized before, ${r.seed.prepareSec} s), ${r.seed.eventsKept.toLocaleString('en-US')} events in the log; load average ${r.machine.loadAverage.join(' → ')}`,
    '',
    '| figure | value | bar | met |',
    '| --- | --- | --- | --- |',
    ...r.verdicts.map((v) => `| ${v.label} | ${v.value} | ${v.bar} | ${v.met === null ? '' : v.met ? 'yes' : 'NO'} |`),
    '',
    ...r.search.map(
      (q) =>
        `  search ${q.label} "${q.q.trim()}": ${q.firstPageHits} hits, p50 ${q.latencyMs?.p50} / p99 ${q.latencyMs?.p99} ms${q.slowest ? `; slowest ${q.slowest.map((c) => `${c.ms} (call ${c.at})`).join(', ')}` : ''}`,
    ),
    '',
  ];
  return lines.join('\n');
}

export function machineOf(loadBefore: number): GrowResult['machine'] {
  return { cores: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '?', loadAverage: [loadBefore, round(os.loadavg()[0]!, 1)] };
}

/** `results/grow-<engine>-<date>[-quick].json`. */
export function saveGrow(r: GrowResult, quick: boolean): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `grow-${r.engine}-${r.date.slice(0, 16).replace(':', '-')}${quick ? '-quick' : ''}.json`);
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}
