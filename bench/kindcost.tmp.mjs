// Server CPU per action kind: sends, replies, reactions, edits, each alone, windowed.
import WebSocket from 'ws';
import { startConfab, processCpuSeconds } from './dist/server-process.js';
import { registerUsers, createGroups } from './dist/setup.js';
const server = await startConfab(
  (e) => {
    console.error(e);
    process.exit(1);
  },
  [],
  process.env.EXTRA ? JSON.parse(process.env.EXTRA) : {},
);
const users = await registerUsers(server.baseUrl, 10, 4);
const convs = await createGroups([users.slice(0, 5), users.slice(5)], 'k');
const sockets = await Promise.all(
  users.map(
    (u) =>
      new Promise((res) => {
        const ws = new WebSocket(server.wsUrl(u.accessToken));
        ws.on('open', () => res(ws));
      }),
  ),
);
const conv = (i) => convs[i < 5 ? 0 : 1];
let fid = 0;
const waiting = new Map();
const own = users.map(() => []);
sockets.forEach((ws, i) =>
  ws.on('message', (d) => {
    const s = d.toString();
    if (!s.startsWith('{"type":"ack"') && !s.startsWith('{"type":"error"')) return;
    const f = JSON.parse(s);
    const w = waiting.get(f.id);
    if (w) {
      waiting.delete(f.id);
      w(f);
    }
  }),
);
const frame = (i, obj) =>
  new Promise((res) => {
    const id = String(++fid);
    waiting.set(id, res);
    sockets[i].send(JSON.stringify({ ...obj, id }));
  });
async function run(kind, perClient, window = 8) {
  const t0 = processCpuSeconds(server.child.process.pid);
  const w0 = performance.now();
  let errs = 0;
  await Promise.all(
    users.map(async (u, i) => {
      let n = 0;
      await Promise.all(
        Array.from({ length: window }, async () => {
          while (n < perClient) {
            n++;
            const k = n;
            const mine = own[i];
            const target = mine[(k * 7) % mine.length];
            let f;
            if (kind === 'send' || kind === 'seed')
              f = {
                type: 'message.send',
                conversationId: conv(i),
                clientId: `${kind}-${i}-${k}-${Math.random()}`,
                body: 'hello world '.repeat(8),
              };
            if (kind === 'reply')
              f = {
                type: 'message.send',
                conversationId: conv(i),
                clientId: `${kind}-${i}-${k}-${Math.random()}`,
                body: 'a reply '.repeat(10),
                replyToId: own[((i + 1) % 5) + (i < 5 ? 0 : 5)][k % 50],
              };
            if (kind === 'reaction')
              f = {
                type: 'reaction.add',
                messageId: own[((i + 1) % 5) + (i < 5 ? 0 : 5)][k % 200],
                emoji: ['👍', '🎉', '❤️', ':eyes:'][k % 4],
              };
            if (kind === 'edit') f = { type: 'message.edit', messageId: target, body: `edited ${k}` };
            const a = await frame(i, f);
            if (a.type === 'error') errs++;
            else if (kind === 'seed') own[i].push(a.message?.id ?? a.result?.message?.id ?? a.data?.message?.id);
          }
        }),
      );
    }),
  );
  const cpu = processCpuSeconds(server.child.process.pid) - t0;
  const wall = (performance.now() - w0) / 1000;
  const n = perClient * users.length;
  console.log(
    `${kind.padEnd(9)} ${n} actions  server CPU ${((1000 * cpu) / n).toFixed(3)} ms/action  ${(n / wall).toFixed(0)}/s  errors ${errs}`,
  );
}
await run('seed', 200);
if (own[0][0] === undefined) {
  console.log('ack shape?');
}
for (const k of (process.env.KINDS ?? 'send,reply,reaction,edit,send').split(',')) await run(k, Number(process.env.PER ?? 600));
sockets.forEach((s) => s.close());
await server.stop();
process.exit(0);
