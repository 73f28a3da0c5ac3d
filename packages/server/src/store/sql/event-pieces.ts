import { extendedCopy } from '../../infra/extended-copy.js';
import type { AppendPlan, MessageRecord } from '../store.js';

/**
 * A new message's event JSON cut into pieces around the four numbers only the database knows
 * under its locks (seq, position, previous position, cursor), for the engines whose append joins
 * them there (PostgreSQL's function, MySQL's batched statements): the node joins the same pieces
 * with the numbers the database answers, so the stored frame and the published one are the same
 * text by construction (decision 0017). An MLS message's event holds its position twice: as the
 * message's own `logPos` too (issue 39), which comes between its seq and the event's position.
 */

/** Stands for a number in an event's JSON while it is cut into pieces: far above any real seq or position. */
const SEQ = 9_007_199_254_740_001;
const POS = 9_007_199_254_740_002;
const PREV = 9_007_199_254_740_003;
const LOG_POS = 9_007_199_254_740_004;
const CURSOR = '\u0000cursor\u0000';

const PLAIN_MARKS = [String(SEQ), String(POS), String(PREV), JSON.stringify(CURSOR).slice(1, -1)];
const MLS_MARKS = [String(SEQ), String(LOG_POS), ...PLAIN_MARKS.slice(1)];

/**
 * An event's JSON cut around its numbers, in the order they appear: five pieces (around seq, pos,
 * prev, cursor), six for an MLS message (around seq, logPos, pos, prev, cursor); undefined when
 * one of them is not found exactly once, in order.
 */
export function eventPieces(plan: AppendPlan, record: MessageRecord): string[] | undefined {
  const message = record.mls ? { ...record, seq: SEQ, logPos: LOG_POS } : { ...record, seq: SEQ };
  // Not `{ ...event, pos, … }`: on Node 20 that copy outlives itself (infra/extended-copy.ts).
  const draft = extendedCopy(plan.announce(message), { pos: POS, prev: PREV, cursor: CURSOR });
  const text = JSON.stringify(draft);
  const pieces: string[] = [];
  let rest = text;
  for (const mark of record.mls ? MLS_MARKS : PLAIN_MARKS) {
    const at = rest.indexOf(mark);
    if (at < 0 || rest.indexOf(mark, at + 1) >= 0) return undefined;
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at + mark.length);
  }
  pieces.push(rest);
  return pieces;
}

/** The event's JSON from `eventPieces`' pieces: an MLS message's logPos is its event's position. */
export const joinPieces = (p: readonly string[], seq: number, pos: number, prev: number, epoch: string) =>
  p.length === 6
    ? `${p[0]}${seq}${p[1]}${pos}${p[2]}${pos}${p[3]}${prev}${p[4]}${epoch}.${pos}${p[5]}`
    : `${p[0]}${seq}${p[1]}${pos}${p[2]}${prev}${p[3]}${epoch}.${pos}${p[4]}`;
