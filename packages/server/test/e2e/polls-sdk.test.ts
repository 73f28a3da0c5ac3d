import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@confab/client';
import { type TestServer, startServer } from '../harness.js';
import { createGroup, freshUsers } from '../factories.js';

/** Issue 37 through the SDK against a real server: polls, forwarding, saved messages (the rules are tested at the HTTP level). */
describe('SDK: polls, forwarding and saved messages', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t?.close());

  it('sends a poll, votes, closes it; forwards a message; saves and lists it', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const group = await createGroup(alice, [bob]);
    const poll = await alice.client.sendMessage(group.id, undefined, undefined, {
      kind: 'poll',
      poll: { question: 'Where?', options: ['Here', 'There'], multiple: false, anonymous: false },
    });
    expect(poll.poll?.options.map((o) => o.id)).toEqual(['1', '2']);
    expect((await bob.client.messages.vote(poll.id, ['2'])).poll?.options[1]).toMatchObject({ count: 1, voterIds: [bob.id] });
    expect((await alice.client.messages.closePoll(poll.id)).poll?.closedAt).not.toBeNull();
    await expect(bob.client.messages.vote(poll.id, ['1'])).rejects.toBeInstanceOf(ApiError);

    const dm = await bob.client.openDirect(alice.id);
    const copies = await bob.client.messages.forward(poll.id, [dm.id], 'see this');
    expect(copies.map((m) => m.kind)).toEqual(['text', 'poll']);
    expect(copies[1]!.poll?.closedAt).toBeNull();
    expect(copies[1]!.forwardedFrom).toMatchObject({ conversationId: group.id, senderId: alice.id });

    await bob.client.messages.save(copies[1]!.id);
    const saved = await bob.client.messages.saved();
    expect(saved.items.map((i) => i.message.id)).toEqual([copies[1]!.id]);
    await bob.client.messages.unsave(copies[1]!.id);
    expect((await bob.client.messages.saved()).items).toEqual([]);
  });
});
