import { describe, expect, it } from 'vitest';
import type { User } from '@confab/protocol';
import { applyMention, matchCandidates, mentionAt } from './mention-query.js';

const user = (id: string, username: string, displayName = ''): User => ({
  id,
  username,
  displayName,
  bio: '',
  avatarUrl: null,
  createdAt: '',
});

describe('mentionAt', () => {
  it('finds the @partial the caret ends', () => {
    expect(mentionAt('hi @bo', 6)).toEqual({ start: 3, end: 6, query: 'bo' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, end: 1, query: '' });
    expect(mentionAt('(@ali', 5)).toEqual({ start: 1, end: 5, query: 'ali' });
    expect(mentionAt('hi @jürgen.k', 12)).toEqual({ start: 3, end: 12, query: 'jürgen.k' });
    // The caret inside the word: what is before it.
    expect(mentionAt('hi @bob there', 6)).toEqual({ start: 3, end: 6, query: 'bo' });
  });

  it('is null outside a mention, in an e-mail address, or after a space', () => {
    expect(mentionAt('hello', 5)).toBeNull();
    expect(mentionAt('mail bob@example', 16)).toBeNull();
    expect(mentionAt('hi @bob ', 8)).toBeNull();
    expect(mentionAt('@@bob', 5)).toBeNull();
    expect(mentionAt(`@${'x'.repeat(33)}`, 34)).toBeNull();
  });
});

describe('matchCandidates', () => {
  const members = [
    user('1', 'me_myself', 'Me'),
    user('2', 'bob', 'Robert Paulson'),
    user('3', 'bobby', 'Bobby Tables'),
    user('4', 'alice', 'Alice Böb'),
    user('5', 'zed', 'Zed'),
    { ...user('6', 'bobo_gone', ''), deleted: true as const },
    { ...user('7', 'bobette', 'Bobette'), deactivated: true as const },
  ];

  it('offers usernames by prefix, then display-name words, never me or an erased account', () => {
    const names = (q: string) =>
      matchCandidates(members, q, { myId: '1', offerAll: false }).map((c) => (c.kind === 'user' ? c.user.username : '@all'));
    expect(names('bo')).toEqual(['bob', 'bobby', 'alice']);
    expect(names('BO')).toEqual(['bob', 'bobby', 'alice']);
    expect(names('rob')).toEqual(['bob']);
    expect(names('me')).toEqual([]);
    expect(names('')).toEqual(['alice', 'bob', 'bobby', 'zed']);
  });

  it('leaves deactivated accounts out, but for admins (issue 35)', () => {
    const names = (showDeactivated: boolean) =>
      matchCandidates(members, 'bob', { myId: '1', offerAll: false, showDeactivated }).map((c) =>
        c.kind === 'user' ? c.user.username : '@all',
      );
    expect(names(false)).toEqual(['bob', 'bobby', 'alice']);
    expect(names(true)).toEqual(['bob', 'bobby', 'bobette', 'alice']);
  });

  it('offers @all first where it may be used, and caps the list', () => {
    const offered = matchCandidates(members, 'a', { myId: '1', offerAll: true });
    expect(offered.map((c) => c.kind)).toEqual(['all', 'user']);
    expect(matchCandidates(members, '', { myId: '1', offerAll: true, limit: 2 })).toHaveLength(2);
    expect(matchCandidates(members, 'x', { myId: '1', offerAll: true })).toEqual([]);
  });
});

describe('applyMention', () => {
  it('replaces the partial with the name and a space, and puts the caret after it', () => {
    expect(applyMention('hi @bo', { start: 3, end: 6, query: 'bo' }, 'bobby')).toEqual({ text: 'hi @bobby ', caret: 10 });
    expect(applyMention('hi @bo and more', { start: 3, end: 6, query: 'bo' }, 'bob')).toEqual({ text: 'hi @bob and more', caret: 8 });
  });
});
