import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SCRIPT = path.join(ROOT, 'scripts/version-bump.mjs');
const MANIFESTS = ['.', 'packages/protocol', 'packages/client', 'packages/server', 'bench'];
const run = promisify(execFile);

let copy: string;
afterEach(() => rmSync(copy, { recursive: true, force: true }));

/** The repository's manifests and lockfile, copied where the script may rewrite them. */
function copyManifests(): string {
  copy = mkdtempSync(path.join(tmpdir(), 'confab-version-'));
  for (const dir of MANIFESTS) {
    mkdirSync(path.join(copy, dir), { recursive: true });
    cpSync(path.join(ROOT, dir, 'package.json'), path.join(copy, dir, 'package.json'));
  }
  cpSync(path.join(ROOT, 'package-lock.json'), path.join(copy, 'package-lock.json'));
  return copy;
}
const json = (...parts: string[]) => JSON.parse(readFileSync(path.join(copy, ...parts), 'utf8'));

describe('npm run version:bump', () => {
  it('sets one version on the three packages, on every dependency on them, and in the lockfile', async () => {
    const root = copyManifests();
    const { stdout } = await run(process.execPath, [SCRIPT, '--root', root, '0.2.0-rc.1']);
    expect(stdout).toContain('version 0.2.0-rc.1');
    for (const dir of ['packages/protocol', 'packages/client', 'packages/server']) {
      expect(json(dir, 'package.json').version).toBe('0.2.0-rc.1');
      expect(json('package-lock.json').packages[dir].version).toBe('0.2.0-rc.1');
    }
    expect(json('packages/client/package.json').dependencies['@confab/protocol']).toBe('0.2.0-rc.1');
    expect(json('packages/server/package.json').dependencies['@confab/protocol']).toBe('0.2.0-rc.1');
    expect(json('bench/package.json').dependencies).toMatchObject({ '@confab/client': '0.2.0-rc.1', '@confab/protocol': '0.2.0-rc.1' });
    expect(json('package.json').dependencies['@confab/server']).toBe('0.2.0-rc.1');
    const lock = json('package-lock.json').packages;
    expect(lock[''].dependencies['@confab/server']).toBe('0.2.0-rc.1');
    expect(lock['packages/client'].dependencies['@confab/protocol']).toBe('0.2.0-rc.1');
    expect(json('bench/package.json').version).toBe(JSON.parse(readFileSync(path.join(ROOT, 'bench/package.json'), 'utf8')).version); // private: not released
    // Everything else is left as it was.
    expect(json('packages/client/package.json').dependencies.isows).toBe(
      JSON.parse(readFileSync(path.join(ROOT, 'packages/client/package.json'), 'utf8')).dependencies.isows,
    );
  });

  it('refuses what is not a semantic version, and writes nothing', async () => {
    const root = copyManifests();
    const before = readFileSync(path.join(root, 'packages/client/package.json'), 'utf8');
    for (const bad of ['v0.2.0', '0.2', '01.2.3', 'latest']) {
      const failed = await run(process.execPath, [SCRIPT, '--root', root, bad]).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failed?.code, bad).toBe(1);
      expect(failed?.stderr).toContain('not a semantic version');
    }
    const missing = await run(process.execPath, [SCRIPT, '--root', root]).catch((error: { stderr: string }) => error);
    expect((missing as { stderr: string }).stderr).toContain('usage: npm run version:bump -- <version>');
    expect(readFileSync(path.join(root, 'packages/client/package.json'), 'utf8')).toBe(before);
  });
});
