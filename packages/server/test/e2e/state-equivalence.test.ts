import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatState, type ChatSnapshot, LATEST_PAGE_SIZE } from '@confab/client';
import type { ConversationSummary, Message, PositionedEvent } from '@confab/protocol';
import { type TestServer, type TestUser, api, registerUser, startServer } from '../harness.js';

/** The observer's snapshot, read as a fresh client would: every conversation and its latest page. */
/** The value as JSON carries it: undefined fields gone, key order kept but not compared (isDeepStrictEqual). */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

async function takeSnapshot(user: TestUser): Promise<ChatSnapshot & { unreadTotal: number }> {
  const conversations: ConversationSummary[] = [];
  let cursor: string | null = null;
  let unreadTotal = 0;
  do {
    const page = await user.client.listConversations({ limit: 100, archived: 'include', ...(cursor ? { cursor } : {}) });
    conversations.push(...page.items);
    unreadTotal = page.unreadTotal;
    cursor = page.nextCursor;
  } while (cursor);
  const pages: ChatSnapshot['pages'] = {};
  for (const c of conversations) pages[c.id] = (await user.client.history(c.id, { limit: LATEST_PAGE_SIZE })).items.reverse();
  return { conversations, pages, unreadTotal };
}

type Op =
  | { kind: 'send'; actor: number; conversation: number }
  | { kind: 'read'; actor: number; conversation: number; fraction: number }
  | { kind: 'add'; group: number; user: number }
  | { kind: 'remove'; group: number; user: number }
  | { kind: 'rename'; group: number }
  | { kind: 'reply' | 'thread' | 'edit' | 'delete' | 'react' | 'unreact' | 'pin'; actor: number; conversation: number; fraction: number }
  | { kind: 'setting'; actor: number; conversation: number; setting: 'mute' | 'archive' | 'clear'; on: boolean }
  // Thread read state (issue 35 item 2): reading a thread, following or unfollowing it.
  | { kind: 'threadRead' | 'follow'; actor: number; conversation: number; fraction: number; on: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('send' as const), actor: fc.nat(3), conversation: fc.nat(2) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      actor: fc.nat(3),
      conversation: fc.nat(2),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), group: fc.nat(1), user: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), group: fc.nat(1), user: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), group: fc.nat(1) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constantFrom(
        'reply' as const,
        'thread' as const,
        'edit' as const,
        'delete' as const,
        'react' as const,
        'unreact' as const,
        'pin' as const,
      ),
      actor: fc.nat(3),
      conversation: fc.nat(2),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('setting' as const),
      actor: fc.nat(3),
      conversation: fc.nat(2),
      setting: fc.constantFrom('mute' as const, 'archive' as const, 'clear' as const),
      on: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('threadRead' as const, 'follow' as const),
      actor: fc.nat(3),
      conversation: fc.nat(2),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
      on: fc.boolean(),
    }),
  },
);

/** One of the conversation's messages (thread replies included) as the actor sees them, picked by `fraction`; undefined when none or not a member. */
async function pickMessage(
  url: string,
  user: TestUser,
  conversationId: string,
  fraction: number,
  topLevel = false,
): Promise<Message | undefined> {
  const page = await api(url, 'GET', `/api/v1/conversations/${conversationId}/messages?limit=100${topLevel ? '' : '&threads=include'}`, {
    token: user.token,
  });
  if (page.status !== 200 || page.body.items.length === 0) return undefined;
  const items = page.body.items as Message[];
  return items[Math.min(items.length - 1, Math.floor(fraction * items.length))];
}

describe('state equivalence', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it('a snapshot plus every event equals a fresh snapshot, on random workloads of sends, reads, membership changes, replies, threads (read, followed, unfollowed), edits, deletes, reactions, pins and my mute, archive and clear', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 50 }), async (ops) => {
        run += 1;
        // users[0] observes; all four act. Conversations: a DM (observer–1) and two groups, the
        // second of which the observer is not in at first (owners: 0 and 1).
        const users = await Promise.all([0, 1, 2, 3].map(() => registerUser(t.url, `eq${run}`)));
        const [o, a, b, c] = users as [TestUser, TestUser, TestUser, TestUser];
        const dm = await o.client.openDirect(a.id);
        const g1 = await o.client.createGroup('one', [a.id, b.id]);
        const g2 = await a.client.createGroup('two', [b.id, c.id]);
        const conversations = [dm.id, g1.id, g2.id];
        const owners = [o, a];

        const live = o.client.connect();
        const queue: PositionedEvent[] = [];
        live.onEvent((event) => {
          if ('pos' in event) queue.push(event);
        });
        await live.ready();
        const initial = await takeSnapshot(o);
        const state = new ChatState(o.id, initial, async (id) => ({
          summary: (await o.client.listConversations({ limit: 100 })).items.find((s) => s.id === id)!,
          page: (await o.client.history(id, { limit: LATEST_PAGE_SIZE })).items.reverse(),
        }));

        let renames = 0;
        for (const op of ops) {
          const path = (id: string) => `/api/v1/conversations/${id}`;
          switch (op.kind) {
            case 'send':
              await api(t.url, 'POST', `${path(conversations[op.conversation]!)}/messages`, {
                token: users[op.actor]!.token,
                body: { clientId: crypto.randomUUID(), body: `from ${op.actor}` },
              });
              break;
            case 'read': {
              const id = conversations[op.conversation]!;
              const detail = await api(t.url, 'GET', path(id), { token: users[op.actor]!.token });
              if (detail.status !== 200) break;
              const seq = Math.floor(op.fraction * (detail.body.conversation.lastSeq + 1));
              await api(t.url, 'POST', `${path(id)}/read`, { token: users[op.actor]!.token, body: { seq } });
              break;
            }
            case 'add':
              if (users[op.user] !== owners[op.group])
                await api(t.url, 'POST', `${path(conversations[op.group + 1]!)}/members`, {
                  token: owners[op.group]!.token,
                  body: { userId: users[op.user]!.id },
                });
              break;
            case 'remove':
              if (users[op.user] !== owners[op.group])
                await api(t.url, 'DELETE', `${path(conversations[op.group + 1]!)}/members/${users[op.user]!.id}`, {
                  token: owners[op.group]!.token,
                });
              break;
            case 'setting': {
              // Mostly the observer's own (private events); the others' must change nothing for it.
              const actor = op.actor === 3 ? users[1]! : o;
              const method = op.setting === 'clear' ? 'POST' : op.on ? 'PUT' : 'DELETE';
              await api(t.url, method, `${path(conversations[op.conversation]!)}/${op.setting}`, { token: actor.token });
              break;
            }
            case 'threadRead':
            case 'follow': {
              // Mostly the observer's own (private events), on a thread root picked by `fraction`.
              const actor = op.actor === 3 ? users[1]! : o;
              const root = await pickMessage(t.url, actor, conversations[op.conversation]!, op.fraction, true);
              if (!root) break;
              const thread = `/api/v1/messages/${root.id}/thread`;
              if (op.kind === 'follow') await api(t.url, op.on ? 'PUT' : 'DELETE', `${thread}/follow`, { token: actor.token });
              else
                await api(t.url, 'POST', `${thread}/read`, { token: actor.token, body: { seq: root.seq + Math.floor(op.fraction * 20) } });
              break;
            }
            case 'rename':
              await api(t.url, 'PATCH', path(conversations[op.group + 1]!), {
                token: owners[op.group]!.token,
                body: { title: `renamed ${++renames}` },
              });
              break;
            default: {
              // A message lifecycle action on some message of the conversation, whether or not it
              // is allowed (a refusal changes nothing, which the equivalence must hold through too).
              const actor = users[op.actor]!;
              const id = conversations[op.conversation]!;
              const target = await pickMessage(t.url, actor, id, op.fraction, op.kind === 'thread');
              if (!target) break;
              const one = `/api/v1/messages/${target.id}`;
              const emoji = `${one}/reactions/${encodeURIComponent(op.fraction < 0.5 ? '👍' : ':tada:')}`;
              if (op.kind === 'reply' || op.kind === 'thread') {
                const link = op.kind === 'reply' ? { replyToId: target.id } : { threadRootId: target.id };
                await api(t.url, 'POST', `${path(id)}/messages`, {
                  token: actor.token,
                  body: { clientId: crypto.randomUUID(), body: `re ${op.actor}`, ...link },
                });
              } else if (op.kind === 'edit')
                await api(t.url, 'PATCH', one, { token: actor.token, body: { body: `edited ${op.fraction}` } });
              else if (op.kind === 'delete') await api(t.url, 'DELETE', one, { token: actor.token });
              else if (op.kind === 'react') await api(t.url, 'PUT', emoji, { token: actor.token });
              else if (op.kind === 'unreact') await api(t.url, 'DELETE', emoji, { token: actor.token });
              else await api(t.url, target.pinnedAt === null ? 'PUT' : 'DELETE', `${one}/pin`, { token: actor.token });
              break;
            }
          }
        }

        // Apply events in arrival order until the state has caught up with the server's heads.
        const deadline = Date.now() + 15_000;
        for (;;) {
          while (queue.length > 0) await state.apply(queue.shift()!);
          await live.settled();
          // Caught up once the state matches a fresh snapshot: my private events move no lastPos.
          const current = await takeSnapshot(o);
          if (
            queue.length === 0 &&
            // By value, not by text: the server's serialiser writes optional fields (a message's
            // `body`, absent on an encrypted one) after the required ones, an event's JSON in its own order.
            isDeepStrictEqual(asJson(state.snapshot()), asJson({ conversations: current.conversations, pages: current.pages }))
          )
            break;
          if (Date.now() > deadline) throw new Error('the observer did not catch up');
          await new Promise((r) => setTimeout(r, 20));
        }
        const fresh = await takeSnapshot(o);
        live.close();
        expect(state.snapshot()).toEqual({ conversations: fresh.conversations, pages: fresh.pages });
        expect(state.unreadTotal).toBe(fresh.unreadTotal);
      }),
      { numRuns: 6, seed: 20261122, endOnFailure: true },
    );
  }, 120_000);
});
