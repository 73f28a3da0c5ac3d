import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { Child, makeTempDir, freePort, removeTempDir } from '../child-processes.js';
import { startConfab, untilListening } from '../server-process.js';
import { registerUsers } from '../setup.js';
import { classify, startsWith } from '../server-frames.js';
import { type BenchSocket, openSocket } from '../sockets.js';
import { mapPool } from '../stats.js';
import { senderCount } from './plan.js';

/**
 * The two servers of the peer comparison behind one small interface: pairs of a sender and a
 * recipient in a DM, the recipient holding a socket. Both are driven by the same HTTP client (a
 * keep-alive `node:http` agent), so the load generator costs each the same.
 */
export interface PeerPair {
  /** One message over REST; resolves on the 2xx. */
  sendRest(body: string): Promise<void>;
  /** One message over the sender's socket; resolves on the server's acknowledgement. */
  sendSocket(body: string): Promise<void>;
}

export interface PeerTarget {
  readonly name: string;
  readonly pairs: readonly PeerPair[];
  /** The server's process, whose CPU each level reports. */
  readonly pid: number;
  /** Where the server keeps its data (Confab's: its SQLite file), removed by `stop`. */
  readonly dataDir?: string;
  /** Called with the body of every message a recipient receives. */
  onDelivered: (body: string) => void;
  stop(): Promise<void>;
}

/**
 * Idle connections are dropped by this side after 30 s (`timeout`, which Node's agent applies to
 * free sockets), well before any server's 72 s: with the servers taking turns at a level, a
 * server's connections can sit idle about as long as its keep-alive, and a request sent on one
 * just as the server closed it failed with "socket hang up".
 */
const agent = new Agent({ keepAlive: true, maxSockets: 256, timeout: 30_000 });

/** POSTs JSON and answers the parsed body; a non-2xx status rejects. */
export function postJson(url: string, body: unknown, token?: string): Promise<unknown> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const answer = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`POST ${url}: ${res.statusCode} ${answer.slice(0, 300)}`));
          else resolve(answer === '' ? null : JSON.parse(answer));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const CREATED = Buffer.from('{"type":"message.created"');

/**
 * Confab as `npm start` runs it, but with the abuse limits off (`RATE_LIMITS`, as the rest of the
 * bench): four users sharing 100 senders send thousands of messages a minute each.
 * `senderOf[i]` names pair i's sender (senderPlan): pairs with one index share the user.
 */
export async function startConfabTarget(
  senderOf: readonly number[],
  onCrash: (error: Error) => void,
  nodeArgs: readonly string[],
): Promise<PeerTarget> {
  const confab = await startConfab(onCrash, nodeArgs);
  const senders = senderCount(senderOf);
  const users = await registerUsers(confab.baseUrl, senders + senderOf.length, 8);
  const sockets: BenchSocket[] = [];
  const target: PeerTarget = {
    name: 'Confab',
    pairs: [],
    pid: confab.child.pid,
    dataDir: confab.dataDir,
    onDelivered: () => {},
    async stop() {
      for (const socket of sockets) socket.terminate();
      await confab.stop();
    },
  };
  const pairs = await mapPool(senderOf, 8, async (s, i): Promise<PeerPair> => {
    const sender = users[s]!;
    const recipient = users[senders + i]!;
    const conversationId = (await sender.client.openDirect(recipient.id)).id;
    const url = `${confab.baseUrl}/api/v1/conversations/${conversationId}/messages`;
    return framePair(target, sockets, confab.wsUrl(recipient.accessToken), confab.wsUrl(sender.accessToken), {
      post: (body) => postJson(url, { clientId: randomUUID(), body }, sender.accessToken),
      frame: (id, body) => JSON.stringify({ type: 'message.send', id, conversationId, clientId: randomUUID(), body }),
    });
  });
  return Object.assign(target, { pairs });
}

interface PlainUser {
  id: string;
  token: string;
}

/** The users of a plan on a server of the bench's own (`POST /register`): the senders, then a recipient per pair. */
async function registerPlain(baseUrl: string, senderOf: readonly number[]): Promise<{ senders: PlainUser[]; recipients: PlainUser[] }> {
  const register = (username: string) => postJson(`${baseUrl}/register`, { username }) as Promise<PlainUser>;
  const senders = await mapPool(
    Array.from({ length: senderCount(senderOf) }, (_, i) => i),
    8,
    (i) => register(`sender${i}`),
  );
  const recipients = await mapPool(senderOf, 8, (_, i) => register(`recipient${i}`));
  return { senders, recipients };
}

/**
 * A pair over sockets that speak Confab's frames (Confab's own, and the floor's): the recipient's
 * socket reports every `message.created`, the sender's resolves each send on its `ack`.
 */
async function framePair(
  target: PeerTarget,
  sockets: BenchSocket[],
  inboxUrl: string,
  outboxUrl: string,
  send: { post: (body: string) => Promise<unknown>; frame: (id: string, body: string) => string },
): Promise<PeerPair> {
  const inbox = await openSocket(inboxUrl, 'lite');
  inbox.onFrame = (data) => {
    if (startsWith(data, CREATED)) target.onDelivered((JSON.parse(data.toString('utf8')) as { message: { body: string } }).message.body);
  };
  const outbox = await openSocket(outboxUrl, 'lite');
  sockets.push(inbox, outbox);
  const waiting = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  outbox.onFrame = (data) => {
    const frame = classify(data);
    if (frame.kind === 'ack') waiting.get(frame.id)?.resolve();
    else if (frame.kind === 'error' && frame.id !== null) waiting.get(frame.id)?.reject(new Error(`message.send refused: ${frame.code}`));
  };
  return {
    sendRest: async (body) => {
      await send.post(body);
    },
    sendSocket: (body) =>
      new Promise<void>((resolve, reject) => {
        const id = randomUUID();
        waiting.set(id, {
          resolve: () => (waiting.delete(id), resolve()),
          reject: (error) => (waiting.delete(id), reject(error)),
        });
        outbox.send(send.frame(id, body));
      }),
  };
}

/**
 * The floor (floor-server.ts) in its own process: no store, or with `durable` only an
 * fdatasync'd append before each answer. What this machine and client carry at all.
 */
export async function startFloor(
  senderOf: readonly number[],
  durable: boolean,
  onCrash: (error: Error) => void,
  nodeArgs: readonly string[] = [],
): Promise<PeerTarget> {
  const name = durable ? 'durable floor' : 'floor';
  const dataDir = makeTempDir('confab-bench-floor-');
  const port = await freePort();
  const script = fileURLToPath(new URL('./floor-server.js', import.meta.url));
  const child = new Child(name, [...nodeArgs, script], { PORT: String(port), DATA_DIR: dataDir, DURABLE: durable ? '1' : '0' }, onCrash);
  await untilListening(child);
  const baseUrl = `http://127.0.0.1:${port}`;
  const wsUrl = (token: string) => `ws://127.0.0.1:${port}/ws?token=${token}`;
  const sockets: BenchSocket[] = [];
  const target = childTarget(name, child, dataDir, () => sockets.forEach((socket) => socket.terminate()));
  const users = await registerPlain(baseUrl, senderOf);
  const pairs = await mapPool(senderOf, 8, async (s, i): Promise<PeerPair> => {
    const sender = users.senders[s]!;
    const recipient = users.recipients[i]!;
    return framePair(target, sockets, wsUrl(recipient.token), wsUrl(sender.token), {
      post: (body) => postJson(`${baseUrl}/messages`, { to: recipient.id, body }, sender.token),
      frame: (id, body) => JSON.stringify({ type: 'message.send', id, to: recipient.id, body }),
    });
  });
  return Object.assign(target, { pairs });
}

/** A target served by a process of the bench's own: on stop, its clients close, then the process goes and its data with it. */
function childTarget(name: string, child: Child, dataDir: string, closeClients: () => void): PeerTarget {
  return {
    name,
    pairs: [],
    pid: child.pid,
    onDelivered: () => {},
    async stop() {
      closeClients();
      await child.stop(5000);
      removeTempDir(dataDir);
    },
  };
}

/** How the hand-written server runs: each a column of the phase's tables. */
export interface PeerVariant {
  /** `synchronous=FULL`: each commit on disk before it answers, as Confab's ack promises. */
  flushed: boolean;
  /** Its HTTP routes served by Fastify instead of `node:http`. */
  onFastify?: boolean;
  /** Flushed, and keeping Confab's other promises on the send path: a client id per send, a gap-free seq per DM, a log by position. */
  guarantees?: boolean;
}

/** The hand-written server (socketio-peer-server.ts) in its own process, run as `variant` says, with `nodeArgs` (`--peer-node-args`). */
export async function startSocketIoPeer(
  senderOf: readonly number[],
  variant: PeerVariant,
  onCrash: (error: Error) => void,
  nodeArgs: readonly string[] = [],
): Promise<PeerTarget> {
  const { flushed, onFastify = false, guarantees = false } = variant;
  const name = `Socket.IO peer${flushed ? ', flushed' : ''}${onFastify ? ', on Fastify' : ''}${guarantees ? ", with Confab's guarantees" : ''}`;
  const dataDir = makeTempDir('confab-bench-peer-');
  const port = await freePort();
  const child = new Child(
    name,
    [...nodeArgs, fileURLToPath(new URL('./socketio-peer-server.js', import.meta.url))],
    {
      PORT: String(port),
      DATA_DIR: dataDir,
      SYNCHRONOUS: flushed || guarantees ? 'FULL' : '',
      HTTP: onFastify ? 'fastify' : '',
      GUARANTEES: guarantees ? '1' : '',
    },
    onCrash,
  );
  await untilListening(child);
  const baseUrl = `http://127.0.0.1:${port}`;
  const sockets: Socket[] = [];
  const target = childTarget(name, child, dataDir, () => sockets.forEach((socket) => socket.disconnect()));
  const connect = (token: string) =>
    new Promise<Socket>((resolve, reject) => {
      // WebSocket from the start: the long-polling handshake would only add noise to set-up.
      const socket = io(baseUrl, { auth: { token }, transports: ['websocket'], reconnection: false });
      sockets.push(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  const users = await registerPlain(baseUrl, senderOf);
  const pairs = await mapPool(senderOf, 8, async (s, i): Promise<PeerPair> => {
    const sender = users.senders[s]!;
    const recipient = users.recipients[i]!;
    const inbox = await connect(recipient.token);
    inbox.on('message', (message: { body: string }) => target.onDelivered(message.body));
    const outbox = await connect(sender.token);
    // A send with the guarantees names itself, as Confab's client does.
    const message = (body: string) => (guarantees ? { to: recipient.id, clientId: randomUUID(), body } : { to: recipient.id, body });
    return {
      sendRest: async (body) => {
        await postJson(`${baseUrl}/messages`, message(body), sender.token);
      },
      sendSocket: async (body) => {
        await outbox.emitWithAck('send', message(body));
      },
    };
  });
  return Object.assign(target, { pairs });
}
