import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConfabClient } from '@confab/client';
import type { Message } from '@confab/protocol';
import { Cluster } from '../cluster.js';
import { NodeWebSocket, RawSocket, registerUser } from '../harness.js';

let cluster: Cluster;
beforeAll(async () => { cluster = await Cluster.start({ nodes: 3 }); }, 60_000);
afterAll(async () => { await cluster?.close(); });

it('probe: join while node C is paused', async () => {
  const url = (i: number) => cluster.nodes[i]!.url;
  const owner = await registerUser(url(0), 'owner');
  const joiner = await registerUser(url(2), 'joiner');
  const group = await owner.client.createGroup('g', []);
  const conn = joiner.client.connect({ minReconnectDelayMs: 50 });
  const got: Message[] = [];
  conn.on('message.created', ({ message }) => got.push(message));
  await conn.ready();
  const raw = await RawSocket.ready(url(2), joiner.token);
  const ownerOnB = new ConfabClient({ baseUrl: url(1), WebSocket: NodeWebSocket, tokens: owner.client.tokens! });
  cluster.nodes[2]!.process!.child.kill('SIGSTOP');
  await ownerOnB.addMember(group.id, joiner.id);
  const welcome = await owner.client.sendMessage(group.id, 'welcome');
  cluster.nodes[2]!.process!.child.kill('SIGCONT');
  const deadline = Date.now() + 5000;
  while (!got.some((m) => m.id === welcome.id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  process.stderr.write(`PROBE got ${got.length} raw ${JSON.stringify(raw.frames.map((f) => f.type))}\n`);
  conn.close();
  for (const n of cluster.nodes) process.stderr.write(`NODE ${n.index}: ${n.process!.output()}\n`);
  expect(got.map((m) => m.id)).toContain(welcome.id);
}, 30_000);
