import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, newClient, startServer } from '../harness.js';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

/** The README's SDK example: its one `js` code block. */
function readmeExample(): string {
  const blocks = [...readFileSync(`${ROOT}/README.md`, 'utf8').matchAll(/^```js\n([\s\S]*?)^```$/gm)];
  expect(blocks, 'README.md has one js code block').toHaveLength(1);
  return blocks[0]![1]!;
}

/** Runs an ES module in plain Node from the repository root, as a user of the built packages would. */
function runModule(source: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('README', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer(); // a fresh database: the README's "alice" and "bob" are free
  });
  afterAll(() => t.close());

  it(`its SDK example runs in plain Node ${process.version}, no WebSocket passed in, after its shell example`, async () => {
    // What the shell example did: alice and bob, their conversation, "hello".
    const alice = newClient(t.url);
    await alice.register({ username: 'alice', password: 'correct horse' });
    const bob = await newClient(t.url).register({ username: 'bob', password: 'battery staple' });
    const dm = await alice.openDirect(bob.user.id);
    await alice.sendMessage(dm.id, 'hello', 'c-1');

    const run = await runModule(readmeExample().replaceAll('http://localhost:8080', t.url));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toContain('2 hello again');
    const history = await alice.history(dm.id);
    expect(history.items.map((m) => [m.seq, m.body])).toEqual([
      [2, 'hello again'],
      [1, 'hello'],
    ]); // newest first
  });
});
