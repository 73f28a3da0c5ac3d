import { spawn } from 'node:child_process';
import { openDeliveryProbe, p99IncreaseMs, type DeliveryWindow } from './delivery-probe.js';
import type { ConfabProcess } from './server-process.js';
import { BENCH_PASSWORD, type BenchUser } from './setup.js';
import { type Summary, summarize } from './stats.js';
import type { Options } from './options.js';

/**
 * The login phase (issue 13): do sign-ins stall live conversations? Each login verifies an
 * argon2id hash (m = 19 MiB, t = 2: tens of milliseconds of CPU), which must run off the event
 * loop. The fan-out group of `--fanout-members` sockets gets `--upload-rate` messages/s for
 * `--login-duration` seconds twice: alone, then while another process signs in at `--login-rate`
 * logins/s (open loop). The bar: delivery p99 rises by at most 10 ms.
 */
export interface LoginPhaseResult {
  sockets: number;
  ratePerSec: number;
  durationSec: number;
  loginRate: number;
  baseline: DeliveryWindow;
  withLogins: DeliveryWindow & { logins: number; loginMs: Summary | null; loginStatuses: Record<string, number> };
  /** With-login p99 minus baseline p99. */
  p99IncreaseMs: number | null;
}

export const LOGIN_BAR_MS = 10;

export async function runLoginPhase(
  confab: ConfabProcess,
  users: readonly BenchUser[],
  options: Options,
  log: (line: string) => void,
): Promise<LoginPhaseResult> {
  const members = users.slice(0, options.fanoutMembers);
  log(`login: a ${members.length}-member group, one socket per member`);
  const probe = await openDeliveryProbe(confab, members, options.uploadRate, 'li', options);
  try {
    log(`login: warm-up, then ${options.loginDurationSec} s at ${options.uploadRate} messages/s without logins`);
    await probe.window(2);
    const baseline = await probe.window(options.loginDurationSec);
    log(`  p99 ${baseline.latencyMs?.p99} ms; now with ${options.loginRate} logins/s`);
    let answers: { status: number; ms: number }[] = [];
    const measured = await probe.window(options.loginDurationSec, async () => {
      answers = await loginFor(confab.baseUrl, members.slice(1), options.loginRate, options.loginDurationSec);
    });
    const statuses: Record<string, number> = {};
    for (const { status } of answers) statuses[status] = (statuses[status] ?? 0) + 1;
    const withLogins = { ...measured, logins: answers.length, loginMs: summarize(answers.map((a) => a.ms)), loginStatuses: statuses };
    log(`  p99 ${withLogins.latencyMs?.p99} ms; ${answers.length} logins, p99 ${withLogins.loginMs?.p99} ms each`);
    return {
      sockets: probe.sockets,
      ratePerSec: options.uploadRate,
      durationSec: options.loginDurationSec,
      loginRate: options.loginRate,
      baseline,
      withLogins,
      p99IncreaseMs: p99IncreaseMs(baseline, withLogins),
    };
  } finally {
    await probe.close();
  }
}

/**
 * Signs the users in, round robin, at `rate` per second for `seconds` (on schedule, whatever the
 * answers) from a process of its own, so the client side of it takes nothing from the sockets
 * measured here; each login's status and duration.
 */
async function loginFor(
  baseUrl: string,
  users: readonly BenchUser[],
  rate: number,
  seconds: number,
): Promise<{ status: number; ms: number }[]> {
  const script = `
    const names = JSON.parse(process.env.NAMES);
    const rate = Number(process.env.RATE);
    const count = Math.round(rate * Number(process.env.SECONDS));
    const start = performance.now();
    const pending = [];
    for (let i = 0; i < count; i++) {
      const wait = start + (i * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push((async () => {
        const started = performance.now();
        const response = await fetch(process.env.URL, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: names[i % names.length], password: process.env.PASSWORD }),
        });
        await response.arrayBuffer();
        console.log(JSON.stringify({ status: response.status, ms: performance.now() - started }));
      })());
    }
    await Promise.all(pending);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      ...process.env,
      NAMES: JSON.stringify(users.map((u) => `user${u.index}`)),
      PASSWORD: BENCH_PASSWORD,
      RATE: String(rate),
      SECONDS: String(seconds),
      URL: `${baseUrl}/api/v1/auth/login`,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => child.on('exit', resolve));
  return out
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { status: number; ms: number });
}

export function loginBar(result: LoginPhaseResult) {
  const increase = result.p99IncreaseMs;
  const allIn = (result.withLogins.loginStatuses['200'] ?? 0) === result.withLogins.logins;
  return {
    name: `delivery p99 to ${result.sockets} sockets, with vs without ${result.loginRate} logins/s`,
    target: `+≤ ${LOGIN_BAR_MS} ms`,
    measured: increase,
    unit: 'ms',
    pass: increase === null ? null : increase <= LOGIN_BAR_MS && allIn && result.withLogins.lost === 0 && result.baseline.lost === 0,
  };
}

export function formatLogin(
  l: LoginPhaseResult,
  bar: { target: string; pass: boolean | null } | undefined,
  add: (label: string, value: string) => void,
  detail: (text: string) => void,
): void {
  const p = (w: DeliveryWindow) => (w.latencyMs ? `p50 ${w.latencyMs.p50} / p99 ${w.latencyMs.p99} / max ${w.latencyMs.max} ms` : '–');
  add(
    `delivery to ${l.sockets} sockets at ${l.ratePerSec} msgs/s, ${l.durationSec} s each`,
    `p99 +${l.p99IncreaseMs ?? '–'} ms with logins   bar ${bar?.target}: ${bar?.pass === null ? 'n/a' : bar?.pass ? 'PASS' : 'FAIL'}`,
  );
  detail(`without logins: ${p(l.baseline)}; lost ${l.baseline.lost}`);
  detail(`with ${l.loginRate} logins/s (${l.withLogins.logins} in all): ${p(l.withLogins)}; lost ${l.withLogins.lost}`);
  detail(
    `each login (argon2id verify, session, tokens): ${l.withLogins.loginMs ? `p50 ${l.withLogins.loginMs.p50} ms, p99 ${l.withLogins.loginMs.p99} ms` : '–'}; statuses ${JSON.stringify(l.withLogins.loginStatuses)}`,
  );
}
