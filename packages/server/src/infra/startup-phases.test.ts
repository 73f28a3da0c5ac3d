import { describe, expect, it } from 'vitest';
import { startupPhases } from './startup-phases.js';

describe('startupPhases', () => {
  it('times each phase from the previous mark, and counts what came before the first', () => {
    const clock = [100, 130, 180, 181];
    const phases = startupPhases(() => clock.shift()!);
    phases.mark('store');
    phases.mark('bus');
    phases.mark('http');
    expect(phases.report()).toEqual({ sinceProcessStartMs: 181, beforeFirstMarkMs: 100, phasesMs: { store: 30, bus: 50, http: 1 } });
  });

  it('adds a phase marked twice', () => {
    const clock = [0, 10, 15, 40];
    const phases = startupPhases(() => clock.shift()!);
    phases.mark('a');
    phases.mark('b');
    phases.mark('a');
    expect(phases.report().phasesMs).toEqual({ a: 35, b: 5 });
  });
});
