import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { rolldown } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startServer } from '../harness.js';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const run = promisify(execFile);
const npm = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, env: { ...process.env, ...env }, maxBuffer: 16 << 20 });

/** The SDK README's example: its first `js` code block (later ones are fragments of a larger program). */
function clientReadmeExample(): string {
  const readme = readFileSync(path.join(ROOT, 'packages/client/README.md'), 'utf8');
  const example = /^```js\n([\s\S]*?)^```$/m.exec(readme)?.[1];
  expect(example, 'packages/client/README.md opens with a js example that signs in').toMatch(/new ConfabClient/);
  return example!;
}

/**
 * The published packages as a user gets them: `npm pack` of @confab/protocol and @confab/client,
 * installed into an empty directory (dependencies from the registry or npm's cache), then used
 * against a real server from plain Node, type-checked by a TypeScript consumer, and bundled for
 * a browser.
 */
describe('the packages npm pack makes', () => {
  let t: TestServer;
  let dir: string;
  let app: string;
  const installed = (...parts: string[]) => path.join(app, 'node_modules', '@confab', ...parts);

  beforeAll(async () => {
    t = await startServer(); // a fresh database: the example's "alice" and "bob" are free
    dir = mkdtempSync(path.join(tmpdir(), 'confab-pack-'));
    // prepack builds each package (tsc -b) before packing.
    const packed = await npm(['pack', '--json', '--pack-destination', dir, '-w', 'packages/protocol', '-w', 'packages/client'], ROOT);
    const tarballs = (JSON.parse(packed.stdout) as { filename: string }[]).map((p) => path.join(dir, p.filename));
    app = path.join(dir, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'confab-pack-check', private: true, type: 'module' }));
    await npm(['install', '--prefer-offline', ...tarballs], app);
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('hold the build, its declarations, sources for the source maps and the README; no tests', () => {
    for (const pkg of ['protocol', 'client']) {
      for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/index.js.map', 'src/index.ts', 'package.json'])
        expect(existsSync(installed(pkg, file)), `${pkg}/${file}`).toBe(true);
      expect(existsSync(installed(pkg, 'src/realtime.test.ts')), `${pkg} ships no tests`).toBe(false);
      const manifest = JSON.parse(readFileSync(installed(pkg, 'package.json'), 'utf8'));
      expect(manifest).toMatchObject({ type: 'module', sideEffects: false, engines: { node: '>=20' }, types: './dist/index.d.ts' });
    }
    expect(existsSync(installed('client', 'README.md'))).toBe(true);
    const client = JSON.parse(readFileSync(installed('client', 'package.json'), 'utf8'));
    const protocol = JSON.parse(readFileSync(installed('protocol', 'package.json'), 'utf8'));
    expect(client.dependencies['@confab/protocol']).toBe(protocol.version); // one version, exact
  });

  it(`run the SDK README's example in plain Node ${process.version}: two users exchange a message`, async () => {
    writeFileSync(path.join(app, 'example.mjs'), clientReadmeExample());
    const { stdout } = await run(process.execPath, ['example.mjs'], { cwd: app, env: { ...process.env, CONFAB_URL: t.url } });
    expect(stdout.trim()).toBe('1 hello bob true');
  });

  it('give @confab/protocol its schemas and the AsyncAPI document, alone', async () => {
    const script =
      "import { CLIENT_FRAME_TYPES, asyncApiDocument } from '@confab/protocol';" +
      'console.log(CLIENT_FRAME_TYPES.includes("message.send"), asyncApiDocument().asyncapi);';
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app });
    expect(stdout.trim()).toBe('true 3.1.0');
  });

  it('type-check a TypeScript consumer against the declarations', async () => {
    const consumer = [
      "import { ConfabClient, type ConnectionState } from '@confab/client';",
      "import type { Message, ServerFrame } from '@confab/protocol';",
      "const live = new ConfabClient({ baseUrl: 'http://localhost:8080' }).connect();",
      "live.on('message.created', ({ message }) => { const m: Message = message; console.log((m.body ?? '').length); });",
      'const state: ConnectionState = live.state;',
      "const frame: ServerFrame['type'] = 'ready';",
      '// @ts-expect-error: not an event type',
      "live.on('message.created.typo', () => {});",
      'console.log(state, frame);',
    ].join('\n');
    writeFileSync(path.join(app, 'consumer.ts'), consumer);
    const compilerOptions = {
      strict: true,
      // Declarations are not re-checked (typebox's are large); a wrong or missing one still fails the uses below.
      skipLibCheck: true,
      noEmit: true,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2023',
      lib: ['es2024', 'dom'],
      types: [],
    };
    writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app }).catch((error: { stdout: string }) => ({
      stdout: error.stdout,
    }));
    expect(result.stdout).toBe('');
  }, 120_000);

  it('bundle for a browser without `ws` or any Node built-in', async () => {
    const bundle = await rolldown({ input: installed('client', 'dist/index.js'), platform: 'browser', logLevel: 'silent', cwd: app });
    try {
      const { output } = await bundle.generate({ format: 'esm' });
      const chunks = output.flatMap((file) => (file.type === 'chunk' ? [file] : []));
      // A chunk importing another chunk of the same bundle (split at a dynamic import) is resolved by the bundle itself.
      const own = new Set(chunks.map((chunk) => chunk.fileName));
      expect(chunks.flatMap((chunk) => chunk.imports).filter((name) => !own.has(name))).toEqual([]); // nothing left to resolve at run time
      const modules = chunks.flatMap((chunk) => chunk.moduleIds).map((id) => id.replaceAll('\\', '/'));
      expect(modules.filter((id) => id.includes('/node_modules/ws/'))).toEqual([]);
      expect(modules.some((id) => id.includes('/node_modules/@confab/protocol/dist/'))).toBe(true);
    } finally {
      await bundle.close();
    }
  });
});
