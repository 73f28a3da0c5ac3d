import type { EventOf } from '@confab/protocol';
import { RawSocket, type TestUser, until } from './harness.js';
import { createGroup, freshUsers } from './factories.js';

export type PresenceEvent = EventOf<'presence'>;

/** The presence events a socket received, about `userId` when given. */
export const presenceEvents = (socket: RawSocket, userId?: string) =>
  socket.frames.filter((f): f is PresenceEvent => f.type === 'presence' && (userId === undefined || f.userId === userId));

/**
 * The grace-period tests' scene: Alice watches a group with Bob and Carol, each holding a socket,
 * both already announced online. `extra` more users, in no conversation with them, come along.
 */
export async function presenceScene(url: string, extra = 0) {
  const [alice, bob, carol] = await freshUsers(url, 3);
  const others: TestUser[] = extra > 0 ? await freshUsers(url, extra) : [];
  await createGroup(alice, [bob, carol]);
  const watcher = await RawSocket.ready(url, alice.token);
  const bobSocket = await RawSocket.ready(url, bob.token);
  const carolSocket = await RawSocket.ready(url, carol.token);
  await until(() => presenceEvents(watcher, bob.id).length === 1 && presenceEvents(watcher, carol.id).length === 1, 'bob and carol online');
  return { alice, bob, carol, others, watcher, bobSocket, carolSocket };
}
