import { describe, expect, it } from 'vitest';
import { type MessageActivity, MessageActivityFeed } from './message-activity.js';

const reaction = (actorId: string, userIds: string[]): MessageActivity => ({
  kind: 'reaction',
  conversationId: 'c1',
  messageId: 'm1',
  actorId,
  userIds,
});

describe('MessageActivityFeed', () => {
  it('answers at once what it handed on (never the actor), while the listeners work on; settled() waits for them', async () => {
    const feed = new MessageActivityFeed();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const done: string[] = [];
    feed.subscribe(async (activities) => {
      await gate;
      done.push(...activities.flatMap((a) => a.userIds));
    });
    const kept = feed.emit([reaction('amy', ['bo', 'amy', 'bo']), reaction('amy', ['amy'])]);
    expect(kept).toEqual([reaction('amy', ['bo'])]);
    expect(done).toEqual([]); // the listener is still waiting: emit did not
    const settled = feed.settled();
    release();
    await settled;
    expect(done).toEqual(['bo']);
    await feed.settled(); // nothing at work: at once
  });

  it('reports a failing listener, whether it throws or rejects, and still runs the others', async () => {
    const failures: unknown[] = [];
    const feed = new MessageActivityFeed((error) => failures.push(error));
    const heard: number[] = [];
    feed.subscribe(() => {
      throw new Error('sync');
    });
    feed.subscribe(() => Promise.reject(new Error('async')));
    feed.subscribe((activities) => void heard.push(activities.length));
    expect(feed.emit([reaction('amy', ['bo'])])).toHaveLength(1);
    await feed.settled();
    expect(failures.map((e) => (e as Error).message).sort()).toEqual(['async', 'sync']);
    expect(heard).toEqual([1]);
    expect(feed.emit([reaction('amy', ['amy'])])).toEqual([]); // nobody concerned: no listener runs
    expect(heard).toEqual([1]);
  });
});
