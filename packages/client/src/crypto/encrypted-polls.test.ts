import { describe, expect, it } from 'vitest';
import { memoryCryptoStore } from './crypto-store.js';
import { decodeContent, encodeContent, isRelation, readableContent, relationOf } from './encrypted-content.js';
import { type OrderedPoll, type PollRelation, pollContentOf, tallyPoll } from './encrypted-polls.js';
import { encryptedSendOf as encryptedSendWith } from './encrypted-sends.js';
import { keepPollParts, talliedPoll } from './poll-records.js';
import type { Message } from '@confab/protocol';

/** A send with no files: the polls and places here carry none (encrypted-sends.test.ts has files). */
const encryptedSendOf = (body: string | undefined, links: Parameters<typeof encryptedSendWith>[1]) =>
  encryptedSendWith(body, links, () => {
    throw new Error('no files in these sends');
  });

const content = pollContentOf({ question: 'Lunch?', options: ['Soup', 'Salad', 'Pie'], multiple: false, anonymous: false });
const poll: OrderedPoll = { seq: 10, senderId: 'alice', content };
const members = new Set(['alice', 'bob', 'carol']);
const at = (minute: number) => `2026-11-26T12:${String(minute).padStart(2, '0')}:00.000Z`;
const vote = (seq: number, senderId: string, optionIds: string[]): PollRelation => ({
  seq,
  senderId,
  createdAt: at(seq),
  vote: { optionIds },
});
const counts = (relations: PollRelation[], p: OrderedPoll = poll, now = Date.parse(at(59))) =>
  tallyPoll(p, relations, members, now).options.map((o) => [o.text, o.count, o.voterIds]);

describe('encrypted polls and places: the content', () => {
  it('round-trips a poll, a place, a vote and a close behind the NUL byte', () => {
    const place = { lat: 48.8566, lng: 2.3522, accuracyM: 12, label: 'Paris' };
    for (const c of [
      { text: 'Lunch?', poll: content },
      { text: 'here', location: place },
      { vote: { pollId: 'p1', optionIds: ['0', '2'] } },
      { pollClose: { pollId: 'p1' } },
    ]) {
      const bytes = encodeContent(c);
      expect(bytes[0]).toBe(0);
      expect(decodeContent(bytes)).toEqual(c);
    }
  });

  it('reads a poll as a plain poll message reads, and a place as a fixed plain place', () => {
    expect(readableContent(encodeContent({ text: 'Lunch?', poll: content }))).toEqual({ body: 'Lunch?', kind: 'poll' });
    expect(readableContent(encodeContent({ location: { lat: 1, lng: 2 } }))).toEqual({
      body: '',
      kind: 'location',
      location: { lat: 1, lng: 2, accuracyM: null, label: null, liveUntil: null },
    });
  });

  it('drops what a member may send malformed: a poll with repeated ids or one option, a place off the globe, a vote without a poll', () => {
    const raw = (value: unknown) => new TextEncoder().encode('\u0000' + JSON.stringify(value));
    const repeated = { ...content, options: [content.options[0], content.options[0]] };
    expect(decodeContent(raw({ text: 'q', poll: repeated }))).toEqual({ text: 'q' });
    expect(decodeContent(raw({ poll: { ...content, options: [content.options[0]] } }))).toEqual({});
    expect(decodeContent(raw({ location: { lat: 91, lng: 0 } }))).toEqual({});
    expect(decodeContent(raw({ vote: { optionIds: ['0'] } }))).toEqual({});
    expect(decodeContent(raw({ vote: { pollId: 'p', optionIds: [1] } }))).toEqual({});
  });

  it('marks a vote or close with its poll in clear, never the option; a poll or place with nothing', () => {
    expect(relationOf({ vote: { pollId: 'p1', optionIds: ['2'] } })).toEqual({ relatesTo: { type: 'vote', messageId: 'p1' } });
    expect(relationOf({ pollClose: { pollId: 'p1' } })).toEqual({ relatesTo: { type: 'close', messageId: 'p1' } });
    expect(relationOf({ text: 'Q', poll: content })).toEqual({});
    expect(relationOf({ location: { lat: 1, lng: 2 } })).toEqual({});
    // A client that cannot decrypt a vote still knows it is one, by its envelope.
    const envelope = { relatesTo: { type: 'vote', messageId: 'p1' } } as unknown as Message;
    expect(isRelation(envelope)).toBe(true);
    expect(isRelation({ vote: { pollId: 'p1', optionIds: [] } } as unknown as Message)).toBe(true);
    expect(isRelation({ kind: 'poll' } as unknown as Message)).toBe(false);
  });

  it('turns a plain send into its encrypted content, refusing what the server would have refused', () => {
    expect(
      encryptedSendOf(undefined, { kind: 'poll', poll: { question: 'Q', options: ['a', 'b'], multiple: true, anonymous: true } }),
    ).toEqual({
      content: {
        text: 'Q',
        poll: {
          question: 'Q',
          options: [
            { id: '0', text: 'a' },
            { id: '1', text: 'b' },
          ],
          multiple: true,
          anonymous: true,
        },
      },
      links: {},
    });
    expect(encryptedSendOf('cap', { kind: 'location', location: { lat: 1, lng: 2, label: 'x' }, replyToId: 'm1' })).toEqual({
      content: { text: 'cap', location: { lat: 1, lng: 2, label: 'x' } },
      links: { replyToId: 'm1' },
    });
    const duplicate = { kind: 'poll' as const, poll: { question: 'Q', options: ['a', 'a'], multiple: false, anonymous: false } };
    expect(() => encryptedSendOf(undefined, duplicate)).toThrow(/must differ/);
    const past = { ...duplicate, poll: { ...duplicate.poll, options: ['a', 'b'], closesAt: '2020-01-01T00:00:00Z' } };
    expect(() => encryptedSendOf(undefined, past)).toThrow(/future/);
    // A live place goes with its end inside; past the server's bound (future, at most 8 hours ahead) it is refused as there.
    const liveUntil = new Date(Date.now() + 60_000).toISOString();
    expect(encryptedSendOf(undefined, { kind: 'location', location: { lat: 1, lng: 2, liveUntil } })).toEqual({
      content: { location: { lat: 1, lng: 2, liveUntil } },
      links: {},
    });
    for (const ahead of [-1000, 8 * 3_600_000 + 60_000]) {
      const refused = { kind: 'location' as const, location: { lat: 1, lng: 2, liveUntil: new Date(Date.now() + ahead).toISOString() } };
      expect(() => encryptedSendOf(undefined, refused)).toThrow(/at most 8 hours ahead/);
    }
    // No text, no poll, no place, no files: nothing to encrypt (the server answers such a send).
    expect(encryptedSendOf(undefined, { kind: 'text' })).toBeUndefined();
  });
});

describe('encrypted polls: the tally from the order', () => {
  it('counts each voter’s latest vote, in the order of the log whatever order the votes are read in', () => {
    const relations = [vote(13, 'alice', ['2']), vote(11, 'bob', ['0']), vote(12, 'carol', ['0']), vote(14, 'bob', ['1'])];
    expect(counts(relations)).toEqual([
      ['Soup', 1, ['carol']],
      ['Salad', 1, ['bob']],
      ['Pie', 1, ['alice']],
    ]);
    expect(counts([...relations].reverse())).toEqual(counts(relations));
  });

  it('takes a vote back with no options, and lists voters by their standing vote', () => {
    expect(counts([vote(11, 'bob', ['0']), vote(12, 'carol', ['0']), vote(13, 'bob', []), vote(14, 'bob', ['0'])])).toEqual([
      ['Soup', 2, ['carol', 'bob']],
      ['Salad', 0, []],
      ['Pie', 0, []],
    ]);
  });

  it('ignores a vote for an unknown option, several on a single-choice poll, by a non-member, or ordered before the poll', () => {
    const relations = [
      vote(9, 'bob', ['1']), // before the poll
      vote(11, 'carol', ['2']),
      vote(12, 'carol', ['7']), // unknown: carol's earlier vote stands
      vote(13, 'bob', ['0', '1']), // several on single choice
      vote(14, 'mallory', ['0']), // not in the group
    ];
    expect(counts(relations)).toEqual([
      ['Soup', 0, []],
      ['Salad', 0, []],
      ['Pie', 1, ['carol']],
    ]);
  });

  it('counts several options on a multiple-choice poll once each', () => {
    const multiple = { ...poll, content: { ...content, multiple: true } };
    expect(counts([vote(11, 'bob', ['0', '2', '0'])], multiple)).toEqual([
      ['Soup', 1, ['bob']],
      ['Salad', 0, []],
      ['Pie', 1, ['bob']],
    ]);
  });

  it('closes by its author only: votes after the close are not counted', () => {
    const close = (seq: number, senderId: string): PollRelation => ({ seq, senderId, createdAt: at(seq), close: true });
    const tally = tallyPoll(
      poll,
      [vote(11, 'bob', ['0']), close(12, 'bob'), vote(13, 'carol', ['1']), close(14, 'alice'), vote(15, 'carol', ['2'])],
      members,
    );
    expect(tally.closedAt).toBe(at(14));
    expect(tally.options.map((o) => o.count)).toEqual([1, 1, 0]);
  });

  it('closes at closesAt by the messages’ server time, and hides voters of an anonymous poll', () => {
    const timed = { ...poll, content: { ...content, anonymous: true, closesAt: at(13) } };
    const before = tallyPoll(timed, [vote(11, 'bob', ['0']), vote(13, 'carol', ['0'])], members, Date.parse(at(12)));
    expect(before.closedAt).toBeNull();
    expect(before.options[0]).toEqual({ id: '0', text: 'Soup', count: 1 });
    const after = tallyPoll(timed, [vote(11, 'bob', ['0']), vote(13, 'carol', ['0'])], members, Date.parse(at(30)));
    expect(after.closedAt).toBe(at(13));
    expect(after.closesAt).toBe(at(13));
  });

  it('keeps polls, votes and closes as they are applied, and counts a poll from them', async () => {
    const store = memoryCryptoStore();
    const envelope = (seq: number, senderId: string): Message =>
      ({
        id: `m${seq}`,
        conversationId: 'c',
        seq,
        senderId,
        createdAt: at(seq),
        kind: 'encrypted',
        ciphertext: 'xx',
      }) as unknown as Message;
    const apply = async (m: Message, bytes: Uint8Array) => {
      await store.put(`plain:c:${m.seq}`, bytes);
      await keepPollParts(store, m, bytes);
    };
    const p = envelope(10, 'alice');
    await apply(p, encodeContent({ text: 'Lunch?', poll: content }));
    await apply(envelope(11, 'bob'), encodeContent({ vote: { pollId: 'm10', optionIds: ['1'] } }));
    await apply(envelope(12, 'carol'), encodeContent({ text: 'plain text' }));
    await apply(envelope(13, 'carol'), encodeContent({ vote: { pollId: 'm10', optionIds: ['1'] } }));
    await apply(envelope(14, 'carol'), encodeContent({ vote: { pollId: 'other', optionIds: ['0'] } }));
    const read = await talliedPoll(store, p, members, Date.parse(at(59)));
    expect(read).toMatchObject({ kind: 'poll', body: 'Lunch?', encrypted: true, id: 'm10' });
    expect(read!.poll!.options.map((o) => [o.count, o.voterIds])).toEqual([
      [0, []],
      [2, ['bob', 'carol']],
      [0, []],
    ]);
    expect(await store.get('poll:m10')).toBeDefined();
    expect(new TextDecoder().decode(await store.get('poll:m10'))).not.toContain('ciphertext');
  });
});
