import type { Scenario, ScenarioOutcome } from './scenario-runner.js';

/** One row of the table, and whether the scenario kept the promise. */
export interface Verdict {
  scenario: Scenario;
  outcome: ScenarioOutcome | undefined;
  /** Why it failed; empty when it passed. */
  failures: string[];
  wallMs: number;
}

export function judge(scenario: Scenario, outcome: ScenarioOutcome, crashes: readonly string[], wallMs: number): Verdict {
  const { tally } = outcome;
  const failures = [...outcome.problems, ...crashes];
  if (tally.acknowledged === 0) failures.push('nothing was acknowledged');
  if (tally.lost > 0) failures.push(`${tally.lost} acknowledged messages lost: ${JSON.stringify(tally.missing.slice(0, 5))}`);
  if (tally.duplicated > 0) failures.push(`${tally.duplicated} acknowledged messages duplicated`);
  if (tally.outOfOrder > 0) failures.push(`${tally.outOfOrder} deliveries out of order`);
  if (tally.recoveryMs === null) failures.push('never recovered');
  else if (tally.recoveryMs > scenario.boundMs)
    failures.push(`recovered in ${seconds(tally.recoveryMs)} s, over the bound of ${seconds(scenario.boundMs)} s`);
  for (const [status, n] of outcome.fiveXx) {
    if (!scenario.allowed5xx.includes(status)) failures.push(`${n} answers ${status}, not documented for this fault`);
  }
  return { scenario, outcome, failures, wallMs };
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** The table `npm run faults` prints (and docs/guarantees.md shows). Markdown, so it can be pasted. */
export function formatTable(verdicts: readonly Verdict[]): string {
  const header = ['scenario', 'acknowledged', 'lost', 'duplicated', 'out of order', 'recovered in', 'bound', '5xx', 'result'];
  const rows = verdicts.map(({ scenario, outcome, failures }) => {
    const t = outcome?.tally;
    const fiveXx = outcome ? [...outcome.fiveXx].map(([status, n]) => `${n}×${status}`).join(' ') || '0' : '–';
    return [
      scenario.title,
      t ? String(t.acknowledged) : '–',
      t ? String(t.lost) : '–',
      t ? String(t.duplicated) : '–',
      t ? String(t.outOfOrder) : '–',
      t?.recoveryMs == null ? 'never' : `${seconds(t.recoveryMs)} s`,
      `${seconds(scenario.boundMs)} s`,
      fiveXx,
      failures.length === 0 ? 'pass' : 'FAIL',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
