import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import { ConfabClient, type WebSocketConstructor } from '@confab/client';
import type { AuthResponse, Message, ServerFrame } from '@confab/protocol';
import { wsSubprotocols } from '@confab/protocol';
import { type ConfabServer, createServer } from '../src/server.js';
import { loadConfig } from '../src/config.js';
import type { HostResolver } from '../src/infra/outbound-address-guard.js';
import { TEST_ADDRESS_LIMITS, TEST_SHUTDOWN_SETTINGS, TEST_STORE_SETTINGS } from './process.js';

/**
 * Integration-test harness: a real Confab server on a random port with its own SQLite file,
 * and helpers that talk to it through the SDK or raw HTTP/WebSocket.
 */
export interface TestServer {
  url: string;
  server: ConfabServer;
  dataDir: string;
  close(): Promise<void>;
}

export async function startServer(
  env: Record<string, string> = {},
  options: { logger?: Logger; resolveHost?: HostResolver } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'confab-test-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ...TEST_ADDRESS_LIMITS,
    ...TEST_STORE_SETTINGS,
    ...TEST_SHUTDOWN_SETTINGS,
    ...env,
  });
  const server = await createServer(config, options);
  const url = await server.listen();
  return {
    url,
    server,
    dataDir,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;

/** The `ws` client, recording how each socket the SDK opens with it closed (by opening order). */
export function recordingWebSocket(closeCodes: Map<number, number>): WebSocketConstructor {
  let opened = 0;
  return class extends WebSocket {
    constructor(url: string, protocols: string[]) {
      super(url, protocols);
      const n = opened++;
      this.on('close', (code) => closeCodes.set(n, code));
    }
  } as unknown as WebSocketConstructor;
}

/** An SDK client with the platform's WebSocket, as an application gets it (`ws` on Node 20). */
export function newClient(url: string): ConfabClient {
  return new ConfabClient({ baseUrl: url });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `condition` (sync or async) until it holds; fails naming `what` (or what it describes at that moment) after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(15);
  }
}

/** Every message of a conversation, oldest first, paging through the history API. */
export async function historyOf(client: ConfabClient, conversationId: string): Promise<Message[]> {
  const all: Message[] = [];
  for (let after = 0; ;) {
    const page = await client.history(conversationId, { after, limit: 100 });
    all.push(...page.items);
    if (page.nextCursor === null) return all;
    after = Number(page.nextCursor);
  }
}

let counter = 0;
/** A unique username per call, so tests never depend on each other's data. */
export function uniqueName(prefix = 'user'): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 6)}`.slice(0, 32);
}

export interface TestUser {
  client: ConfabClient;
  auth: AuthResponse;
  id: string;
  token: string;
}

export async function registerUser(url: string, prefix?: string): Promise<TestUser> {
  const client = newClient(url);
  const auth = await client.register({ username: uniqueName(prefix), password: 'correct horse battery' });
  return { client, auth, id: auth.user.id, token: auth.accessToken };
}

/** Raw HTTP with JSON, for asserting exact statuses and error bodies. */
export async function api(
  url: string,
  method: string,
  pathname: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(url + pathname, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

/** A raw WebSocket that records every frame, for protocol-level assertions. */
export class RawSocket {
  readonly frames: ServerFrame[] = [];
  private waiters: { predicate: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  closeCode: number | undefined;
  closeReason = '';
  readonly closed: Promise<number>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.predicate(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        resolve(code);
      }),
    );
  }

  static async open(
    url: string,
    token?: string,
    options: {
      via?: 'header' | 'query' | 'subprotocol';
      headers?: Record<string, string>;
      query?: Record<string, string>;
      protocols?: string[];
    } = {},
  ): Promise<RawSocket> {
    const wsUrl = new URL('/api/v1/ws', url.replace(/^http/, 'ws'));
    for (const [name, value] of Object.entries(options.query ?? {})) wsUrl.searchParams.set(name, value);
    const headers: Record<string, string> = { ...options.headers };
    const protocols = [...(options.protocols ?? [])];
    if (token && options.via === 'query') wsUrl.searchParams.set('access_token', token);
    else if (token && options.via === 'subprotocol') protocols.push(...wsSubprotocols(token));
    else if (token) headers['authorization'] = `Bearer ${token}`;
    const raw = new RawSocket(new WebSocket(wsUrl, protocols, { headers }));
    await new Promise<void>((resolve, reject) => {
      raw.ws.once('open', () => resolve());
      raw.ws.once('error', reject);
      raw.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    return raw;
  }

  /** Opens and waits for the server's `ready` frame. */
  static async ready(url: string, token: string): Promise<RawSocket> {
    const raw = await RawSocket.open(url, token);
    await raw.next((f) => f.type === 'ready');
    return raw;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first recorded frame matching, or the next one to arrive. */
  next<T extends ServerFrame = ServerFrame>(predicate: (f: ServerFrame) => boolean, timeoutMs = 5000): Promise<T> {
    const seen = this.frames.find(predicate);
    if (seen) return Promise.resolve(seen as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        predicate,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f as T);
        },
      });
    });
  }

  close(): void {
    this.ws.close();
  }
}

let barriers = 0;
/** Resolves once everything the server wrote to the sockets before now has arrived (a ping's pong): "nothing else came". */
export async function barrier(...sockets: RawSocket[]): Promise<void> {
  await Promise.all(
    sockets.map((socket) => {
      const id = `barrier-${++barriers}`;
      socket.send({ type: 'ping', id });
      return socket.next((f) => f.type === 'pong' && f.id === id);
    }),
  );
}
