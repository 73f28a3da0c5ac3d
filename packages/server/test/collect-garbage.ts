import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// The flag applies to contexts made after it: a fresh one hands out V8's `gc`, without starting
// the test workers with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A full garbage collection now, for tests of what must outlive one (timers, signals). */
export function collectGarbage(): void {
  gc();
}
