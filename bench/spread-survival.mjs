/**
 * How much of a short-lived copy survives V8's scavenges, by the way the copy is made (issue 41).
 * On Node 20 (V8 11.3) an object made by a leading spread whose shape then changes (it gains a field
 * it did not have: `{ ...a, b }`, `{ ...a, ...b }`, `Object.assign({ ...a }, b)`; or it is frozen)
 * is kept alive by every scavenge it meets and promoted to the old space, though nothing refers to
 * it once made; the same copy made by `Object.assign({}, a, b)`, or with its own fields first, dies
 * young. Each pattern runs in a
 * child Node with `--trace-gc-nvp`; the table is the mean over its last 30 scavenges of what they
 * copied within the new space and promoted to the old one, and how long each paused the thread.
 *
 *   node bench/spread-survival.mjs
 *
 * The server's send path avoids the first kind where it copies per message
 * (packages/server/src/infra/extended-copy.ts); bench/README.md has the figures it changed.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const row = {
  id: 'm1',
  conversation_id: 'c1',
  seq: 1,
  sender_id: 'u1',
  client_id: 'k1',
  kind: 'text',
  body: 'hello',
  created_at: 1,
  edited_at: null,
  deleted_at: null,
};
const extra = { search_tokens: 'hello' };

/** Each pattern makes one copy of `row` with `extra`'s field (or without, for the controls). */
const patterns = {
  '{ ...a, ...b }': () => ({ ...row, ...extra }),
  '{ ...a, b }': () => ({ ...row, search_tokens: extra.search_tokens }),
  'Object.assign({ ...a }, b)': () => Object.assign({ ...row }, extra),
  'Object.freeze({ ...a }) (no field added)': () => Object.freeze({ ...row }),
  '{ ...a } (no field added)': () => ({ ...row }),
  '{ ...a, kind } (a field it has)': () => ({ ...row, kind: 'poll' }),
  '{ b, ...a } (own fields first)': () => ({ search_tokens: extra.search_tokens, ...row }),
  'Object.assign({}, a, b)': () => Object.assign({}, row, extra),
};

const [, , role, name] = process.argv;
if (role === 'child') {
  const make = patterns[name];
  let sink = 0;
  for (let i = 0; i < 3_000_000; i++) {
    const copy = make();
    sink += copy.seq;
    // Other short-lived garbage, as a request makes besides.
    sink += new Array(20).fill(i).length;
  }
  process.stdout.write(`sink ${sink}\n`);
} else {
  const self = fileURLToPath(import.meta.url);
  process.stdout.write(`Node ${process.version}: a copy made 3,000,000 times, mean of the last 30 scavenges\n\n`);
  process.stdout.write('| how the copy is made | copied in the new space, KB | promoted, KB | pause, ms |\n| --- | --- | --- | --- |\n');
  for (const pattern of Object.keys(patterns)) {
    const out = execFileSync(process.execPath, ['--trace-gc-nvp', self, 'child', pattern], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const scavenges = out
      .split('\n')
      .filter((line) => line.includes(' gc=s '))
      .slice(-30);
    const mean = (field) => {
      const values = scavenges.map((line) => Number(new RegExp(`\\b${field}=([0-9.]+)`).exec(line)?.[1] ?? 0));
      return values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
    };
    const kb = (bytes) => (bytes / 1024).toFixed(1);
    process.stdout.write(
      `| \`${pattern}\` | ${kb(mean('new_space_survived'))} | ${kb(mean('promoted'))} | ${mean('pause').toFixed(2)} |\n`,
    );
  }
}
