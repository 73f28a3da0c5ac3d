import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { type Plugin, defineConfig, defaultClientConditions } from 'vite';

/** Where `npm run dev` sends API and WebSocket calls: a Confab server running locally. */
const apiTarget = process.env.CONFAB_DEV_API ?? 'http://127.0.0.1:8080';

/**
 * Writes `.br` and `.gz` beside every compressible file of the build, once, at maximum
 * compression: the server sends them as they are (@fastify/static `preCompressed`) instead of
 * compressing each answer again.
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'confab-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      for (const file of filesUnder(outDir)) {
        if (!/\.(js|css|html|svg|json|webmanifest|txt)$/.test(file)) continue;
        const bytes = readFileSync(file);
        if (bytes.length < 1024) continue;
        writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
        writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
      }
    },
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

export default defineConfig({
  plugins: [react(), precompress()],
  resolve: {
    // The workspace packages' TypeScript sources, as the tests use them: no separate build step.
    conditions: ['source', ...defaultClientConditions],
  },
  build: {
    target: 'es2022',
    sourcemap: true,
    // Hashed file names under assets/: the server marks them immutable.
    assetsDir: 'assets',
    rolldownOptions: {
      // The service worker is an entry of its own, served from the root (a worker's scope is the
      // folder it comes from) under a fixed name (browsers register the URL; it is revalidated).
      input: {
        index: fileURLToPath(new URL('index.html', import.meta.url)),
        sw: fileURLToPath(new URL('src/sw/service-worker.ts', import.meta.url)),
      },
      output: { entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js') },
    },
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, ws: true, changeOrigin: false },
    },
  },
});
