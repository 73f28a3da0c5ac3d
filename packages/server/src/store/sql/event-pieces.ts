import type { AppendPlan, MessageRecord } from '../store.js';

/**
 * A new message's event JSON cut into pieces around the four numbers only the database knows
 * under its locks (seq, position, previous position, cursor), for the engines whose append joins
 * them there (PostgreSQL's function, MySQL's batched statements): the node joins the same pieces
 * with the numbers the database answers, so the stored frame and the published one are the same
 * text by construction (decision 0017).
 */

/** Stands for a number in an event's JSON while it is cut into pieces: far above any real seq or position. */
const SEQ = 9_007_199_254_740_001;
const POS = 9_007_199_254_740_002;
const PREV = 9_007_199_254_740_003;
const CURSOR = '\u0000cursor\u0000';

/** An event's JSON cut around its four numbers; undefined when one of them is not found exactly once, in order. */
export function eventPieces(plan: AppendPlan, record: MessageRecord): string[] | undefined {
  const draft = { ...plan.announce({ ...record, seq: SEQ }), pos: POS, prev: PREV, cursor: CURSOR };
  const text = JSON.stringify(draft);
  const pieces: string[] = [];
  let rest = text;
  for (const mark of [String(SEQ), String(POS), String(PREV), JSON.stringify(CURSOR).slice(1, -1)]) {
    const at = rest.indexOf(mark);
    if (at < 0 || rest.indexOf(mark, at + 1) >= 0) return undefined;
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at + mark.length);
  }
  pieces.push(rest);
  return pieces;
}

export const joinPieces = (p: readonly string[], seq: number, pos: number, prev: number, epoch: string) =>
  `${p[0]}${seq}${p[1]}${pos}${p[2]}${prev}${p[3]}${epoch}.${pos}${p[4]}`;
