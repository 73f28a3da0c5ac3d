import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * nginx running deploy/nginx.conf in front of real nodes: for the server's tests
 * (packages/server/test/nginx.ts) and `npm run faults`, one implementation.
 */
/** The shipped configuration: tests run this file, with only its port and nodes replaced. */
export const DEPLOY_NGINX_CONF = fileURLToPath(new URL('../../../deploy/nginx.conf', import.meta.url));

/**
 * deploy/nginx.conf with its `listen` port and its upstream `server` lines replaced (each new
 * line keeps the first line's parameters: max_fails, fail_timeout). Throws if the file no longer
 * has the shape this relies on, so a change there cannot silently go untested.
 */
export function renderNginxConf(template: string, options: { listenPort: number; upstreams: readonly string[] }): string {
  const servers = /^([ \t]*)server[ \t]+\S+:\d+((?:[ \t]+[^;\n]+)?);[^\n]*\n(?:[ \t]*server[ \t]+\S+:\d+[^\n]*\n)*/m;
  const listen = /^([ \t]*)listen[ \t]+\d+;/m;
  const found = servers.exec(template);
  if (!found || !listen.test(template))
    throw new Error('deploy/nginx.conf: expected `listen <port>;` and upstream `server host:port …;` lines');
  const [, indent, parameters] = found;
  const lines = options.upstreams.map((address) => `${indent}server ${address}${parameters};\n`).join('');
  return template.replace(servers, lines).replace(listen, `$1listen 127.0.0.1:${options.listenPort};`);
}

export interface NginxProcess {
  url: string;
  child: ChildProcess;
  /** The rendered configuration, for failure messages. */
  conf: string;
  output(): string;
  /** Its error log (requests refused, upstreams marked failed). */
  errorLog(): string;
  /** Its access log: one line per request, with the nodes tried and their answers. */
  accessLog(): string;
  stop(): Promise<void>;
}

/** Runs nginx in the foreground with deploy/nginx.conf rendered into a temporary prefix. */
export async function startNginx(binary: string, options: { listenPort: number; upstreams: readonly string[] }): Promise<NginxProcess> {
  const prefix = mkdtempSync(path.join(tmpdir(), 'confab-nginx-'));
  chmodSync(prefix, 0o755); // started as root, its workers run as nobody and must reach the temp paths
  const conf = renderNginxConf(readFileSync(DEPLOY_NGINX_CONF, 'utf8'), options);
  const confFile = path.join(prefix, 'nginx.conf');
  writeFileSync(confFile, conf);
  const child = spawn(binary, ['-p', `${prefix}/`, '-c', confFile, '-e', 'stderr', '-g', 'daemon off;'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const readLog = (name: string) => {
    try {
      return readFileSync(path.join(prefix, name), 'utf8');
    } catch {
      return '';
    }
  };
  const errorLog = () => readLog('error.log');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(prefix, { recursive: true, force: true });
  };
  try {
    await waitForPort(options.listenPort, child, () => output + errorLog());
  } catch (error) {
    await stop();
    throw error;
  }
  const accessLog = () => readLog('access.log');
  return { url: `http://127.0.0.1:${options.listenPort}`, child, conf, output: () => output, errorLog, accessLog, stop };
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}) during start-up:\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port} within 10 s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
