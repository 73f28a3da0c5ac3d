// Lints the OpenAPI document the server generates from its route schemas (there is no file to
// lint: the app is the source), with Redocly's rules from redocly.yaml. Run by `npm run lint`
// after `tsc -b packages/server`; offline. Any problem, warning or error, fails it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProblems, getTotals, lintFromString, loadConfig } from '@redocly/openapi-core';
import { createServer, loadConfig as loadServerConfig } from '@confab/server';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The document a server with default settings serves at /api/openapi.json. */
async function generatedDocument() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'confab-openapi-'));
  try {
    const server = await createServer(loadServerConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    try {
      await server.app.ready();
      return server.app.swagger();
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const document = await generatedDocument();
const config = await loadConfig({ configPath: path.join(root, 'redocly.yaml') });
const problems = await lintFromString({ source: JSON.stringify(document, null, 2), absoluteRef: path.join(root, 'openapi.json'), config });
const operations = Object.values(document.paths).flatMap((item) => Object.keys(item)).length;
if (problems.length > 0) {
  formatProblems(problems, { format: 'codeframe', totals: getTotals(problems), command: 'lint', cwd: root });
  process.exitCode = 1;
} else {
  process.stdout.write(`OpenAPI document (${operations} operations): no problems under redocly.yaml\n`);
}
