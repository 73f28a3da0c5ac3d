import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { type Plugin, build, defineConfig, defaultClientConditions } from 'vite';

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

/** The emoji picker's data (frimousse reads `${emojibaseUrl}/<locale>/{data,messages}.json`). */
const emojiFiles = ['data.json', 'messages.json'];
const emojiSource = path.dirname(fileURLToPath(import.meta.resolve('emojibase-data/en/data.json')));

/**
 * Serves the emoji picker's data from the app itself, at /emoji/en/…: a self-hosted server must
 * not send its users to a CDN (frimousse's default). The build copies the files into dist/emoji/
 * (the server's web dir serves them, precompressed like the rest); `npm run dev` serves them too.
 */
function emojiData(): Plugin {
  return {
    name: 'confab-emoji-data',
    generateBundle() {
      for (const file of emojiFiles) {
        this.emitFile({ type: 'asset', fileName: `emoji/en/${file}`, source: readFileSync(path.join(emojiSource, file)) });
      }
    },
    configureServer(server) {
      server.middlewares.use('/emoji/en', (req, res, next) => {
        const file = emojiFiles.find((name) => req.url === `/${name}`);
        if (!file) return next();
        res.setHeader('Content-Type', 'application/json');
        res.end(readFileSync(path.join(emojiSource, file)));
      });
    },
  };
}

const serviceWorkerSource = fileURLToPath(new URL('src/sw/service-worker.ts', import.meta.url));

/**
 * `npm run dev` serves `/sw.js` as the build does: the worker bundled into one classic script
 * (a worker registered without `type: "module"` cannot import), built again on each request so
 * an edit shows on the next registration check.
 */
function devServiceWorker(): Plugin {
  return {
    name: 'confab-dev-service-worker',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use('/sw.js', (_req, res, next) => {
        bundleServiceWorker().then((code) => {
          res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
          res.setHeader('Cache-Control', 'no-cache');
          res.end(code);
        }, next);
      });
    },
  };
}

/**
 * The build writes the worker as `/sw.js` (served from the root: a worker's scope is the folder it
 * comes from; under a fixed name: browsers register the URL, and it is revalidated), built on its
 * own: as an entry of the app's build it would import the modules it shares with the app
 * (notification-lock.ts) from a chunk, and a classic worker cannot import.
 */
function buildServiceWorker(): Plugin {
  return {
    name: 'confab-service-worker',
    apply: 'build',
    async generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: await bundleServiceWorker({ production: true }) });
    },
  };
}

/** The service worker as one script, through Vite's own build (no config file: just this entry). */
export async function bundleServiceWorker({ production = false } = {}): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    resolve: { conditions: ['source', ...defaultClientConditions] },
    build: {
      write: false,
      minify: production,
      sourcemap: production ? false : 'inline',
      rolldownOptions: { input: serviceWorkerSource, output: { format: 'iife', entryFileNames: 'sw.js' } },
    },
  });
  const [result] = Array.isArray(output) ? output : [output];
  if (!result || !('output' in result)) throw new Error('the service worker build gave no output');
  const chunk = result.output.find((file) => file.type === 'chunk' && file.fileName === 'sw.js');
  if (!chunk || chunk.type !== 'chunk') throw new Error('the service worker build gave no sw.js');
  return chunk.code;
}

export default defineConfig({
  plugins: [react(), emojiData(), precompress(), devServiceWorker(), buildServiceWorker()],
  resolve: {
    // The workspace packages' TypeScript sources, as the tests use them: no separate build step.
    conditions: ['source', ...defaultClientConditions],
    alias: [
      // Radix's modal dialogs lock scrolling with rules react-style-singleton adds as a <style>
      // element, which the server's CSP (`style-src 'self'`) refuses; ours adds them through the
      // CSSOM (src/components/ui/style-singleton.ts says more).
      {
        find: /^react-style-singleton$/,
        replacement: fileURLToPath(new URL('src/components/ui/style-singleton.ts', import.meta.url)),
      },
    ],
  },
  build: {
    target: 'es2022',
    sourcemap: true,
    // Hashed file names under assets/: the server marks them immutable.
    assetsDir: 'assets',
    rolldownOptions: {
      input: { index: fileURLToPath(new URL('index.html', import.meta.url)) },
      output: { entryFileNames: 'assets/[name]-[hash].js' },
    },
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, ws: true, changeOrigin: false },
    },
  },
});
