import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { ERROR_STATUS } from '@confab/protocol';
import { type TestServer, registerUser, startServer } from '../harness.js';
import type { Schema } from './arbitraries.js';

/** One operation of the OpenAPI document, as the fuzz drives it. */
export interface Operation {
  method: string;
  path: string;
  operationId: string;
  pathParams: string[];
  query: { name: string; schema: Schema }[];
  body: Schema | undefined;
}

/**
 * A real server for the fuzz (SQLite, rate limits off so floods reach the services, small limits
 * so oversized input is cheap), some data to aim at, and a watch on its log: anything logged at
 * error level (an unhandled error, a failed frame handler) and any unhandled rejection in this
 * process is a finding.
 */
export interface FuzzTarget {
  url: string;
  token: string;
  ids: string[];
  operations: Operation[];
  bodyLimit: number;
  wsMaxFrame: number;
  findings: string[];
  close(): Promise<void>;
}

export const BODY_LIMIT = 16_384;
export const WS_MAX_FRAME = 2048;

export async function startFuzzTarget(): Promise<FuzzTarget> {
  const findings: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) {
        if (line === '') continue;
        const entry = JSON.parse(line) as { level: number; msg: string; err?: { message?: string; stack?: string } };
        if (entry.level >= 50) findings.push(`server logged: ${entry.msg} ${entry.err?.stack ?? entry.err?.message ?? ''}`);
      }
      done();
    },
  });
  const onRejection = (reason: unknown) => findings.push(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`);
  process.on('unhandledRejection', onRejection);
  // In memory where there is a tmpfs: the fuzz is after the code's answers, not the disk's fsyncs.
  const dataDir = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'confab-fuzz-'));
  const server: TestServer = await startServer(
    {
      RATE_LIMITS: 'off',
      BODY_LIMIT_BYTES: String(BODY_LIMIT),
      WS_MAX_FRAME_BYTES: String(WS_MAX_FRAME),
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
    },
    { logger: pino({ level: 'warn' }, sink) },
  );
  const alice = await registerUser(server.url, 'fz');
  const bob = await registerUser(server.url, 'fz');
  const carol = await registerUser(server.url, 'fz');
  const dm = await alice.client.openDirect(bob.id);
  const group = await alice.client.createGroup('fuzz', [bob.id, carol.id]);
  const other = await bob.client.createGroup('not alice', [carol.id]);
  const messages = await Promise.all([
    alice.client.sendMessage(dm.id, 'hello'),
    bob.client.sendMessage(group.id, 'hi @all'),
    carol.client.sendMessage(other.id, 'secret'),
  ]);
  const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, any>> };
  return {
    url: server.url,
    token: alice.token,
    ids: [alice.id, bob.id, carol.id, dm.id, group.id, other.id, ...messages.map((m) => m.id), '1', '0'],
    operations: operationsOf(document),
    bodyLimit: BODY_LIMIT,
    wsMaxFrame: WS_MAX_FRAME,
    findings,
    async close() {
      process.off('unhandledRejection', onRejection);
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function operationsOf(document: { paths: Record<string, Record<string, any>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters = (op.parameters ?? []) as { in: string; name: string; schema: Schema }[];
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId as string,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        body: op.requestBody?.content?.['application/json']?.schema as Schema | undefined,
      });
    }
  }
  return operations;
}

/** Percent-encodes every byte of the string's UTF-8 that is not unreserved (a lone surrogate becomes U+FFFD's bytes). */
export function encodePart(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).padStart(2, '0')}`,
    )
    .join('');
}

export interface Answer {
  status: number;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** Raw HTTP, so paths, headers and bodies go exactly as built (fetch would normalise them). */
export function send(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Uint8Array,
): Promise<Answer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        method,
        path,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-length': Buffer.byteLength(body) }) },
        agent,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** The pass rule for an answer: no 5xx, and every refusal the error envelope with the catalogue's status for its code. */
export function judge(answer: Answer, what: string, method: string): string | undefined {
  if (answer.status >= 500) return `${what}: ${answer.status} ${answer.body.slice(0, 300)}`;
  // A HEAD answer has no body by definition: its status is all there is to judge.
  if (answer.status < 400 || method === 'HEAD') return undefined;
  let parsed: { error?: { code?: string; message?: unknown } };
  try {
    parsed = JSON.parse(answer.body) as typeof parsed;
  } catch {
    return `${what}: ${answer.status} without a JSON body: ${answer.body.slice(0, 200)}`;
  }
  const code = parsed.error?.code;
  if (code === undefined || !(code in ERROR_STATUS) || typeof parsed.error?.message !== 'string') {
    return `${what}: ${answer.status} not in the envelope: ${answer.body.slice(0, 200)}`;
  }
  if (ERROR_STATUS[code as keyof typeof ERROR_STATUS] !== answer.status) return `${what}: ${answer.status} with code ${code}`;
  return undefined;
}
