import { MAX_POLL_OPEN_MS, type Poll, type PollInput } from '@confab/protocol';
import { AppError, detail, invalid } from '../../errors.js';
import type { MessagePatch, MessageRecord, PollRecord } from '../../store/store.js';

/**
 * Polls (issue 37), the kind's rules in one place: what a send stores, what a reader sees, and
 * the two actions (vote, close) as decisions taken from the message as stored inside the change's
 * transaction, so concurrent votes never lose each other and a poll closes once.
 */

/** A poll as stored from what the sender gave: options get ids `1`…`n`; 400 for duplicates or a bad `closesAt`. */
export function pollRecord(input: PollInput, now: number): PollRecord {
  const seen = new Map<string, number>();
  input.options.forEach((text, i) => {
    const key = text.trim().toLocaleLowerCase();
    const first = seen.get(key);
    if (first !== undefined)
      throw invalid('A poll’s options must differ', [detail(`/poll/options/${i}`, `repeats option ${first}`, { duplicateOf: first })]);
    seen.set(key, i);
  });
  let closesAt: number | null = null;
  if (input.closesAt !== undefined) {
    closesAt = Date.parse(input.closesAt);
    if (!(closesAt > now) || closesAt - now > MAX_POLL_OPEN_MS)
      throw invalid('closesAt must be in the future and at most a year ahead', [
        detail('/poll/closesAt', 'must be in the future and at most a year ahead', { limit: MAX_POLL_OPEN_MS }),
      ]);
  }
  return {
    question: input.question,
    options: input.options.map((text, i) => ({ id: String(i + 1), text, userIds: [] })),
    multiple: input.multiple,
    anonymous: input.anonymous,
    closesAt,
    closedAt: null,
  };
}

/** Whether a stored poll is the one a resend describes (an idempotent retry): same question, options and rules. */
export function samePoll(stored: PollRecord | undefined, sent: PollRecord | undefined): boolean {
  if (!stored || !sent) return stored === sent;
  return (
    stored.question === sent.question &&
    stored.multiple === sent.multiple &&
    stored.anonymous === sent.anonymous &&
    stored.closesAt === sent.closesAt &&
    stored.options.map((o) => o.text).join('\u0000') === sent.options.map((o) => o.text).join('\u0000')
  );
}

/** What every reader sees: counts, and who voted only when the poll is not anonymous (never to anyone otherwise, its author included). */
export function pollView(p: PollRecord): Poll {
  return {
    question: p.question,
    options: p.options.map((o) => ({
      id: o.id,
      text: o.text,
      count: o.userIds.length,
      ...(p.anonymous ? {} : { voterIds: [...o.userIds] }),
    })),
    multiple: p.multiple,
    anonymous: p.anonymous,
    closedAt: p.closedAt === null ? null : new Date(p.closedAt).toISOString(),
    ...(p.closesAt === null ? {} : { closesAt: new Date(p.closesAt).toISOString() }),
  };
}

/** The poll of a message, or 400 when it is none (an anonymous vote on a text message is a client bug). */
function pollOf(message: MessageRecord): PollRecord {
  if (message.deletedAt !== null) throw new AppError('conflict', 'The message was deleted');
  if (!message.poll) throw invalid('This message is not a poll', [detail('', 'the message has no poll')]);
  return message.poll;
}

/**
 * My vote replaced by `optionIds` (empty: retracted). Options must be this poll's; one unless it
 * is `multiple`; 409 once closed (by hand, or `closesAt` passed even before the sweep got to it).
 */
export function decideVote(current: MessageRecord, userId: string, optionIds: readonly string[], now: number): MessagePatch | null {
  const poll = pollOf(current);
  if (poll.closedAt !== null || (poll.closesAt !== null && poll.closesAt <= now))
    throw new AppError('conflict', 'The poll is closed', [detail('', 'the poll is closed')]);
  const known = new Set(poll.options.map((o) => o.id));
  const foreign = optionIds.map((id, i) => [id, i] as const).filter(([id]) => !known.has(id));
  if (foreign.length > 0)
    throw invalid(
      'optionIds must name options of this poll',
      foreign.map(([, i]) => detail(`/optionIds/${i}`, 'no such option in this poll')),
    );
  if (!poll.multiple && optionIds.length > 1)
    throw invalid('This poll takes one option', [detail('/optionIds', 'must have at most one option: the poll is not multiple choice')]);
  const chosen = new Set(optionIds);
  let changed = false;
  const options = poll.options.map((o) => {
    const had = o.userIds.includes(userId);
    const wants = chosen.has(o.id);
    if (had === wants) return o;
    changed = true;
    return { ...o, userIds: wants ? [...o.userIds, userId] : o.userIds.filter((id) => id !== userId) };
  });
  return changed ? { content: { poll: { ...poll, options } } } : null;
}

/** Closes the poll at `now`; nothing when it is closed already (idempotent: a second close, or the sweep after a close). */
export function decideClose(current: MessageRecord, now: number): MessagePatch | null {
  const poll = pollOf(current);
  if (poll.closedAt !== null) return null;
  return { content: { poll: { ...poll, closedAt: now } } };
}

/** The sweep's decision: close a poll whose `closesAt` has passed, at that time; nothing otherwise (closed, deleted, or not due). */
export function decideDueClose(current: MessageRecord, now: number): MessagePatch | null {
  const poll = current.poll;
  if (!poll || current.deletedAt !== null || poll.closedAt !== null || poll.closesAt === null || poll.closesAt > now) return null;
  return { content: { poll: { ...poll, closedAt: poll.closesAt } } };
}
