#!/usr/bin/env node
// One version for the published packages: `npm run version:bump -- 0.2.0` sets it in
// @confab/protocol, @confab/client and @confab/server, in every workspace's dependency on them
// (exact, as npm publishes them) and in package-lock.json, so `npm ci` still agrees. Run it,
// then commit and tag `v<version>`. `--root <dir>` bumps another checkout (the script's test).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const RELEASED = ['packages/protocol', 'packages/client', 'packages/server'];
/** Every manifest that may depend on a released package: the root and each workspace. */
const MANIFESTS = ['.', ...RELEASED, 'bench'];
// semver.org's grammar, without build metadata (npm drops it).
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const writeJson = (file, value) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

/** Sets `version` on the released packages and on every dependency on them; returns the files written. */
export function bumpVersion(root, version) {
  if (!SEMVER.test(version)) throw new Error(`not a semantic version: ${JSON.stringify(version)} (e.g. 0.2.0 or 1.0.0-rc.1)`);
  const names = RELEASED.map((dir) => readJson(path.join(root, dir, 'package.json')).name);
  const retarget = (deps) => {
    for (const name of names) if (deps?.[name] !== undefined) deps[name] = version;
  };
  const written = [];
  for (const dir of MANIFESTS) {
    const file = path.join(root, dir, 'package.json');
    const manifest = readJson(file);
    if (RELEASED.includes(dir)) manifest.version = version;
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) retarget(manifest[field]);
    writeJson(file, manifest);
    written.push(file);
  }
  const lockFile = path.join(root, 'package-lock.json');
  const lock = readJson(lockFile);
  for (const dir of MANIFESTS) {
    const entry = lock.packages[dir === '.' ? '' : dir];
    if (!entry) throw new Error(`package-lock.json has no entry for ${dir}: run npm install first`);
    if (RELEASED.includes(dir)) entry.version = version;
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) retarget(entry[field]);
  }
  writeJson(lockFile, lock);
  written.push(lockFile);
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ options: { root: { type: 'string' } }, allowPositionals: true });
  const [version] = positionals;
  const root = values.root ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  try {
    if (!version || positionals.length > 1) throw new Error('usage: npm run version:bump -- <version>');
    const files = bumpVersion(root, version);
    process.stdout.write(`version ${version}: ${files.map((file) => path.relative(root, file) || '.').join(', ')}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
