import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';
import { describe, expect, it } from 'vitest';

const ENTRY = fileURLToPath(new URL('./index.ts', import.meta.url));

/** The files a bundler takes into the SDK's bundle for `platform`, and the imports it leaves to the platform. */
async function bundle(platform: 'browser' | 'node'): Promise<{ files: string[]; imports: string[] }> {
  const bundle = await rolldown({ input: ENTRY, platform, logLevel: 'silent' });
  try {
    const { output } = await bundle.generate({ format: 'esm' });
    const chunks = output.flatMap((file) => (file.type === 'chunk' ? [file] : []));
    // A chunk importing another chunk of the same bundle (code split at a dynamic import) is not left to the platform.
    const own = new Set(chunks.map((chunk) => chunk.fileName));
    return {
      files: chunks.flatMap((chunk) => chunk.moduleIds),
      imports: chunks.flatMap((chunk) => chunk.imports).filter((name) => !own.has(name)),
    };
  } finally {
    await bundle.close();
  }
}

const fromPackage = (name: string) => (file: string) => file.replaceAll('\\', '/').includes(`/node_modules/${name}/`);

describe('the SDK on each platform', () => {
  it('leaves `ws` out of a browser bundle, which uses the browser’s WebSocket', async () => {
    const { files, imports } = await bundle('browser');
    expect(files.some(fromPackage('isows'))).toBe(true);
    expect(files.filter(fromPackage('ws'))).toEqual([]);
    expect(imports).toEqual([]); // no `node:` built-in (or anything else) left for a browser to resolve
  });

  it('takes `ws` into a Node bundle, for a Node without a global WebSocket (20)', async () => {
    const { files } = await bundle('node');
    expect(files.some(fromPackage('ws'))).toBe(true);
  });
});
