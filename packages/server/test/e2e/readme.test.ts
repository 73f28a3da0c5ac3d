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

/** The README's shell walk-through: the `sh` block of "Using it" (the one that registers). */
function readmeShell(): string {
  const blocks = [...readFileSync(`${ROOT}/README.md`, 'utf8').matchAll(/^```sh\n([\s\S]*?)^```$/gm)].filter((b) =>
    b[1]!.includes('/api/v1/auth/register'),
  );
  expect(blocks, 'README.md has one shell block that registers').toHaveLength(1);
  return blocks[0]![1]!;
}

/** Runs a shell script with bash; `set -u` so an unset variable is an error, not an empty string. */
function runShell(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return run('bash', ['-u', '-c', script]);
}

/** Runs an ES module in plain Node from the repository root, as a user of the built packages would. */
function runModule(source: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, ['--input-type=module', '-e', source]);
}

function run(program: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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

  it(`its shell example runs twice (issue 35: the second run signed nobody in), then its SDK example in plain Node ${process.version}`, async () => {
    const host = new URL(t.url).host; // 127.0.0.1:<port>
    // What the script leaves in its variables, printed after it (TOKEN was "null" on a second run).
    const script = `${readmeShell().replaceAll('localhost:8080', host)}\necho; echo "TOKEN=$TOKEN"; echo "BOB=$BOB"; echo "DM=$DM"\n`;
    const runs = [await runShell(script), await runShell(script)];
    const sent: unknown[] = [];
    for (const [i, shell] of runs.entries()) {
      expect(shell.code, `run ${i + 1}: ${shell.stderr}`).toBe(0);
      const lines = shell.stdout.trim().split('\n');
      const vars = Object.fromEntries(lines.filter((l) => /^[A-Z]+=/.test(l)).map((l) => l.split('=', 2) as [string, string]));
      expect(vars['TOKEN'], `run ${i + 1}`).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(vars['BOB'], `run ${i + 1}`).toMatch(/^[\w-]+$/);
      expect(vars['DM'], `run ${i + 1}`).toMatch(/^[\w-]+$/);
      expect(vars['BOB']).not.toBe('null');
      sent.push(JSON.parse(lines[0]!).message);
    }
    // The second run answered the message the first stored (same clientId), not a second one.
    expect(sent[1]).toEqual(sent[0]);
    expect(sent[0]).toMatchObject({ seq: 1, body: 'hello', clientId: 'c-1' });

    const alice = newClient(t.url);
    await alice.login({ username: 'alice', password: 'correct horse' });
    const bob = (await alice.searchUsers({ q: 'bob' })).items[0]!;
    const dm = await alice.openDirect(bob.id);

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
