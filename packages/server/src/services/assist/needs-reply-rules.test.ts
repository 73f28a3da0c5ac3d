import { describe, expect, it } from 'vitest';
import type { MessageRecord, NeedsReplyCandidate } from '../../store/store.js';
import { indexAnswers, needsReply } from './needs-reply-rules.js';

const me = { id: 'me', username: 'ana' };
const message = (body: string, extra: Partial<MessageRecord> = {}): MessageRecord =>
  ({ id: 'm5', conversationId: 'c', seq: 5, senderId: 'bo', body, threadRootId: null, reactions: [], ...extra }) as MessageRecord;
const candidate = (body: string, facts: Partial<NeedsReplyCandidate> = {}, extra: Partial<MessageRecord> = {}): NeedsReplyCandidate => ({
  message: message(body, extra),
  direct: false,
  mentionsMe: false,
  repliesToMe: false,
  ...facts,
});
const none = indexAnswers([]);

describe('needsReply', () => {
  it('names the reason and its evidence: mention, reply, question or request in a direct conversation', () => {
    expect(needsReply(candidate('hey @Ana look', { mentionsMe: true }), me, none)).toEqual({ reason: 'mention', evidence: ['@Ana'] });
    expect(needsReply(candidate('@all standup', { mentionsMe: true }), me, none)).toEqual({ reason: 'mention', evidence: ['@all'] });
    expect(needsReply(candidate('agreed, why not?', { repliesToMe: true }), me, none)).toEqual({ reason: 'reply', evidence: ['?'] });
    expect(needsReply(candidate('请看一下', { direct: true }), me, none)).toEqual({ reason: 'request', evidence: ['请'] });
    expect(needsReply(candidate('¿Dónde estás?', { direct: true }), me, none)).toEqual({
      reason: 'question',
      evidence: ['Dónde', '¿', '?'],
    });
    // A direct message that asks nothing; a group message that is neither.
    expect(needsReply(candidate('thanks!', { direct: true }), me, none)).toBeNull();
    expect(needsReply(candidate('what now?'), me, none)).toBeNull();
  });

  it('is gone once I answered after it where it was, or reacted', () => {
    const ask = candidate('can you?', { direct: true });
    expect(needsReply(ask, me, indexAnswers([{ conversationId: 'c', threadRootId: null, seq: 6 }]))).toBeNull();
    expect(needsReply(ask, me, indexAnswers([{ conversationId: 'c', threadRootId: null, seq: 4 }]))).not.toBeNull();
    // An answer in the thread on the message itself counts; one in another thread does not.
    expect(needsReply(ask, me, indexAnswers([{ conversationId: 'c', threadRootId: 'm5', seq: 7 }]))).toBeNull();
    expect(needsReply(ask, me, indexAnswers([{ conversationId: 'c', threadRootId: 'm1', seq: 7 }]))).not.toBeNull();
    // A thread reply is answered in its thread only.
    const inThread = candidate('@ana?', { mentionsMe: true }, { threadRootId: 'm1' });
    expect(needsReply(inThread, me, indexAnswers([{ conversationId: 'c', threadRootId: null, seq: 9 }]))).not.toBeNull();
    expect(needsReply(inThread, me, indexAnswers([{ conversationId: 'c', threadRootId: 'm1', seq: 9 }]))).toBeNull();
    const reacted = candidate('can you?', { direct: true }, { reactions: [{ emoji: '👍', userIds: ['me'] }] });
    expect(needsReply(reacted, me, none)).toBeNull();
  });
});
