import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '@confab/protocol';
import { historyOf, newClient, uniqueName, until } from '../harness.js';
import { processSandbox } from '../process.js';

describe('a server killed with SIGKILL mid-burst', () => {
  let sandbox: Awaited<ReturnType<typeof processSandbox>> | undefined;
  afterEach(() => sandbox?.cleanup());

  it('keeps every acknowledged message once; re-sent unacknowledged ones are stored once; the recipient gets each once', async () => {
    // The log written out to its working size at start, as `confab serve` runs by default: the kill
    // leaves frames followed by zeros, and recovery must find every acknowledged commit among them.
    sandbox = await processSandbox('crash', { SQLITE_WAL_RESERVE: 'true' });
    let server = await sandbox.start();

    const alice = newClient(server.url);
    const bob = newClient(server.url);
    await alice.register({ username: uniqueName('alice'), password: 'correct horse battery' });
    const bobUser = (await bob.register({ username: uniqueName('bob'), password: 'correct horse battery' })).user;
    const dm = await alice.openDirect(bobUser.id);

    const options = { minReconnectDelayMs: 50, maxReconnectDelayMs: 250, sendTimeoutMs: 60_000 };
    const receiving = bob.connect(options);
    const received: Message[] = [];
    receiving.on('message.created', ({ message }) => received.push(message));
    await receiving.ready();
    const sending = alice.connect(options);
    await sending.ready();

    // 600 sends: 300, then (once 150 are acknowledged) 20 more written in the same turn of the
    // event loop as the kill — those cannot have been acknowledged — then 280 while it is down.
    const total = 600;
    const ackedBeforeKill = new Set<string>();
    let killed = false;
    const sends: Promise<Message>[] = [];
    for (let i = 0; i < total; i++) {
      const clientId = `burst-${i}`;
      sends.push(
        sending.send(dm.id, `message ${i}`, clientId).then((message) => {
          if (!killed) ackedBeforeKill.add(clientId);
          return message;
        }),
      );
      if (i === 299) await until(() => ackedBeforeKill.size >= 150, '150 acknowledgements');
      else if (i === 319) {
        killed = true;
        server.child.kill('SIGKILL');
      } else if (i < 299 && i % 40 === 39) await new Promise((r) => setImmediate(r));
    }
    await server.exited;
    const acked = new Set(ackedBeforeKill);
    expect(acked.size).toBeLessThanOrEqual(300); // the kill really was mid-burst

    // Same data, same address: the SDKs reconnect, resume, and re-send what was never acknowledged.
    server = await sandbox.start();
    const stored = await Promise.all(sends);
    expect(new Set(stored.map((m) => m.id)).size).toBe(total);

    const history = await historyOf(alice, dm.id);
    expect(history.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(new Set(history.map((m) => m.clientId)).size).toBe(total);
    for (const clientId of acked) expect(history.some((m) => m.clientId === clientId)).toBe(true);

    await until(() => received.length >= total, 'the recipient to receive every message', 60_000);
    await receiving.settled();
    // A duplicate would arrive before a later message of the same conversation: wait for one.
    const barrier = await sending.send(dm.id, 'barrier', 'barrier');
    await until(() => received.some((m) => m.id === barrier.id), 'the barrier message');
    expect(received.filter((m) => m.id !== barrier.id).map((m) => m.seq)).toEqual(history.map((m) => m.seq));
    sending.close();
    receiving.close();
  }, 90_000);
});
