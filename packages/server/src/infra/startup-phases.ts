/**
 * How long each phase of a node's start took (issue 41: a start 5× slower on a seeded store than
 * an empty one had no explanation). `mark` closes the phase running since the previous mark;
 * `report` adds the time from the process's start to the first mark (loading the code).
 */
export interface StartupPhases {
  mark(phase: string): void;
  report(): { sinceProcessStartMs: number; beforeFirstMarkMs: number; phasesMs: Record<string, number> };
}

export function startupPhases(now: () => number = () => performance.now()): StartupPhases {
  const begun = now();
  let last = begun;
  const phasesMs: Record<string, number> = {};
  return {
    mark(phase) {
      const at = now();
      phasesMs[phase] = Math.round((phasesMs[phase] ?? 0) + at - last);
      last = at;
    },
    // performance.now() counts from the process's start: what came before the first mark is loading.
    report: () => ({ sinceProcessStartMs: Math.round(last), beforeFirstMarkMs: Math.round(begun), phasesMs: { ...phasesMs } }),
  };
}
