import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const VITEST = path.join(ROOT, 'node_modules/vitest/vitest.mjs');

interface Run {
  code: number;
  output: string;
  /** Test title → status, from vitest's JSON report. */
  tests: Map<string, string>;
}

/** Runs one test file in a vitest of its own, with `env` on top of this environment. */
function vitest(file: string, env: Record<string, string | undefined>): Promise<Run> {
  const dir = mkdtempSync(path.join(tmpdir(), 'confab-gates-'));
  const report = path.join(dir, 'report.json');
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, [VITEST, 'run', file, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const tests = new Map<string, string>();
      try {
        const json = JSON.parse(readFileSync(report, 'utf8')) as {
          testResults: { assertionResults: { title: string; status: string }[] }[];
        };
        for (const result of json.testResults) for (const test of result.assertionResults) tests.set(test.title, test.status);
      } catch {
        // No report: the run failed before collecting; `output` says why.
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code: code ?? -1, output, tests });
    });
  });
}

// A machine without nginx, simulated on one that has it: CONFAB_TEST_NGINX is the only place looked.
const withoutNginx = { CONFAB_TEST_NGINX: path.join(tmpdir(), 'no-such-dir', 'nginx') };
const NGINX_TESTS = 'packages/server/test/e2e/nginx.test.ts';

describe.concurrent('tests that need a program beyond Node', () => {
  it('are skipped loudly where it is missing, and the rest of the file runs', async () => {
    const run = await vitest(NGINX_TESTS, { ...withoutNginx, CONFAB_REQUIRE_SERVICES: undefined });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('SKIPPING the tests that need nginx');
    expect(run.output).toContain(`nginx at ${withoutNginx.CONFAB_TEST_NGINX} (CONFAB_TEST_NGINX): not installed`);
    const statuses = [...run.tests.values()];
    expect(statuses.filter((s) => s === 'passed').length, run.output).toBeGreaterThan(0); // the config rendering test
    expect(statuses.filter((s) => s === 'skipped').length, run.output).toBeGreaterThan(0); // nginx in front of two nodes
    expect(statuses.filter((s) => s !== 'passed' && s !== 'skipped')).toEqual([]);
  }, 120_000);

  it('fail the run under CONFAB_REQUIRE_SERVICES=1, naming what is missing', async () => {
    const run = await vitest(NGINX_TESTS, { ...withoutNginx, CONFAB_REQUIRE_SERVICES: '1' });
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toContain('required (CONFAB_REQUIRE_SERVICES=1) but missing');
    expect(run.output).toContain(`nginx at ${withoutNginx.CONFAB_TEST_NGINX} (CONFAB_TEST_NGINX)`);
  }, 120_000);
});
