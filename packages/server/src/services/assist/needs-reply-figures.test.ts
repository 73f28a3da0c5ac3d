import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../store/store.js';
import { type LabelledMessage, NEEDS_REPLY_CORPUS } from './needs-reply-corpus.test-fixture.js';
import { indexAnswers, needsReply } from './needs-reply-rules.js';

/**
 * Needs-reply precision and recall on 200 hand-labelled messages (issue 40; the figures are in
 * docs/assist.md). The store decides whether a message mentions me or quotes mine; the corpus
 * gives those facts by where the message was written, and the rules decide the rest.
 */
const me = { id: 'ana-id', username: 'ana' };

function predicted(m: LabelledMessage, i: number): boolean {
  const message = { id: `m${i}`, conversationId: 'c', seq: 1, senderId: 'bo', body: m.body, threadRootId: null, reactions: [] };
  const candidate = {
    message: message as unknown as MessageRecord,
    direct: m.where === 'dm',
    mentionsMe: m.where === 'mention',
    repliesToMe: m.where === 'reply',
  };
  return needsReply(candidate, me, indexAnswers([])) !== null;
}

interface Score {
  precision: number;
  recall: number;
  tp: number;
  fp: number;
  fn: number;
  n: number;
}

function score(rows: { m: LabelledMessage; p: boolean }[]): Score {
  const tp = rows.filter((r) => r.p && r.m.needsReply).length;
  const fp = rows.filter((r) => r.p && !r.m.needsReply).length;
  const fn = rows.filter((r) => !r.p && r.m.needsReply).length;
  return { precision: tp / (tp + fp), recall: tp / (tp + fn), tp, fp, fn, n: rows.length };
}

describe('needs reply on a hand-labelled corpus', () => {
  const rows = NEEDS_REPLY_CORPUS.map((m, i) => ({ m, p: predicted(m, i) }));

  it('has 200 messages, 40 in each of five languages', () => {
    expect(rows).toHaveLength(200);
    for (const lang of ['en', 'es', 'ru', 'ja', 'zh']) expect(rows.filter((r) => r.m.lang === lang)).toHaveLength(40);
  });

  it('finds nearly all of what waits for me; a quarter of what it lists does not (figures printed, recorded in docs/assist.md)', () => {
    const all = score(rows);
    const line = (name: string, s: Score) =>
      `${name.padEnd(10)} n=${String(s.n).padStart(3)}  precision ${s.precision.toFixed(2)}  recall ${s.recall.toFixed(2)}  (tp ${s.tp}, fp ${s.fp}, fn ${s.fn})`;
    const report = [line('all', all)];
    for (const lang of ['en', 'es', 'ru', 'ja', 'zh']) report.push(line(lang, score(rows.filter((r) => r.m.lang === lang))));
    for (const where of ['dm', 'mention', 'reply']) report.push(line(where, score(rows.filter((r) => r.m.where === where))));
    const wrong = rows.filter((r) => r.p !== r.m.needsReply).map((r) => `${r.p ? 'FP' : 'FN'} ${r.m.lang} ${r.m.where}: ${r.m.body}`);
    // eslint-disable-next-line no-console -- the figures docs/assist.md states
    console.log(`needs reply, 200 labelled messages\n${report.join('\n')}\n${wrong.join('\n')}`);
    // Group messages to no one in particular are never listed, however they ask.
    expect(rows.filter((r) => r.m.where === 'group' && r.p)).toEqual([]);
    // Measured 0.75 / 0.91 (2026-11-26): these guard against a rule change that loses either.
    expect(all.precision).toBeGreaterThanOrEqual(0.72);
    expect(all.recall).toBeGreaterThanOrEqual(0.88);
    // Mentions and replies to me are listed whatever they say (the contract's reasons): they are
    // never missed, and a "thanks" among them is a false alarm by design.
    expect(score(rows.filter((r) => r.m.where !== 'dm' && r.m.where !== 'group')).recall).toBe(1);
  });
});
