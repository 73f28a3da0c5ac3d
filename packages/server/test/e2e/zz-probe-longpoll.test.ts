import { expect, it } from 'vitest';
import { startServer, api, RawSocket } from '../harness.js';
import { registerUsers } from '../factories.js';
import { createTestSchema } from '../services.js';
it('probe pg', async () => {
  const schema = await createTestSchema();
  const t = await startServer({ DATABASE_URL: schema.url });
  const [alice, bob] = await registerUsers(t.url, 2);
  const dm = await alice.client.openDirect(bob.id);
  const ws = await RawSocket.ready(t.url, alice.token);
  const slow: number[] = [];
  for (let i = 0; i < 150; i++) {
    const since = (await api(t.url, 'GET', '/api/v1/sync', { token: bob.token })).body.cursor;
    const started = Date.now();
    await Promise.all([
      api(t.url, 'GET', `/api/v1/sync?since=${since}&timeout=20`, { token: bob.token }),
      new Promise((r) => setTimeout(r, i % 10)).then(() => ws.send({ type: 'message.send', id: `s${i}`, conversationId: dm.id, clientId: `c${i}`, body: `r${i}` })),
    ]);
    const took = Date.now() - started;
    if (took > 1000) slow.push(took);
  }
  console.log('slow', slow);
  ws.close();
  await t.close();
  await schema.drop();
  expect(true).toBe(true);
}, 600_000);
