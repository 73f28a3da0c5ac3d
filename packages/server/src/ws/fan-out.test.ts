import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { Config } from '../config.js';
import { createMetrics } from '../metrics.js';
import type { SyncService } from '../services/events/sync-service.js';
import type { TopicRegistry } from '../bus/topic-registry.js';
import { Connection } from './connection.js';
import { FanOut } from './fan-out.js';
import type { LiveCheck } from './live-check.js';
import { live } from './live-events.js';

/**
 * A connection of `userId` whose TCP socket records each write call it makes (how many frames
 * left together), behind a stand-in for `ws`'s socket that writes each frame straight to it.
 */
function connectionOf(userId: string) {
  const writes: number[] = [];
  const raw = new Writable({
    write: (_chunk, _encoding, done) => (writes.push(1), done()),
    writev: (chunks, done) => (writes.push(chunks.length), done()),
  });
  const socket = { OPEN: 1, readyState: 1, bufferedAmount: 0, _socket: raw, send: (data: Buffer | string) => raw.write(data) };
  const connection = new Connection(`c-${userId}`, userId, `s-${userId}`, socket as unknown as WebSocket);
  connection.pending = null; // brought up to date: live events are written at once
  return { connection, socket, writes };
}

/** A FanOut whose conversation c1 is listened to by the given connections. */
function fanOutTo(...connections: Connection[]): FanOut {
  const deps = {
    config: { wsMaxBufferedBytes: 1_048_576, busReorderWaitMs: 20 } as Config,
    sync: {} as SyncService,
    logger: pino({ level: 'silent' }),
    metrics: createMetrics(),
  };
  const topics = { listenersOf: (topic: string) => (topic === 'conv:c1' ? new Set(connections) : undefined) };
  const liveCheck = { noteDelivered: () => {} };
  return new FanOut(deps, topics as unknown as TopicRegistry<Connection>, liveCheck as unknown as LiveCheck);
}

const nextTick = () => new Promise<void>((resolve) => process.nextTick(resolve));

// `live` makes message.created events of c1 sent by u2.
describe('FanOut: when the frames of a publishing run leave', () => {
  it('the frames one run publishes to a socket leave together, once the run is over', async () => {
    const recipient = connectionOf('u1');
    const fanOut = fanOutTo(recipient.connection);
    fanOut.deliver(live(1, 0));
    fanOut.deliver(live(2, 1));
    fanOut.deliver(live(3, 2));
    expect(recipient.writes).toEqual([]);
    await Promise.resolve();
    expect(recipient.writes).toEqual([3]);
  });

  it('a recipient’s frame leaves before a promise chain awaiting the publication goes on (a REST send answers after it)', async () => {
    const recipient = connectionOf('u1');
    const fanOut = fanOutTo(recipient.connection);
    const order: string[] = [];
    const answered = (async () => {
      await Promise.resolve(fanOut.deliver(live(1, 0)));
      order.push(`answer after ${recipient.writes.length} write(s) to the recipient`);
    })();
    await answered;
    expect(order).toEqual(['answer after 1 write(s) to the recipient']);
  });

  it('the sender’s own copy waits for the end of the tick, so the ack written meanwhile leaves with it', async () => {
    const sender = connectionOf('u2');
    const recipient = connectionOf('u1');
    const fanOut = fanOutTo(sender.connection, recipient.connection);
    fanOut.deliver(live(1, 0));
    await Promise.resolve();
    expect(recipient.writes).toEqual([1]);
    expect(sender.writes).toEqual([]);
    sender.socket.send('{"type":"ack"}'); // the gateway's ack, at the end of the send's chain
    await nextTick();
    expect(sender.writes).toEqual([2]);
  });

  it('a socket corked for the run and then asked to wait for the tick is corked once, and uncorked once', async () => {
    const sender = connectionOf('u2');
    const fanOut = fanOutTo(sender.connection);
    // A frame written on its own (as the gap fill writes: the run's cork), then the sender's own new message (the tick's).
    fanOut.write(sender.connection, '{"type":"presence"}');
    fanOut.deliver(live(1, 0));
    await Promise.resolve();
    expect(sender.writes).toEqual([]);
    await nextTick();
    expect(sender.writes).toEqual([2]);
    fanOut.write(sender.connection, '{"type":"typing"}');
    await Promise.resolve();
    expect(sender.writes).toEqual([2, 1]);
  });
});
