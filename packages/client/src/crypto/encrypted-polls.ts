import { MAX_POLL_OPTIONS, MAX_WAVEFORM_POINTS, MIN_POLL_OPTIONS, type Poll, type PollInput, type VoiceInfo } from '@confab/protocol';

/**
 * Polls, places and voice notes in encrypted conversations (issue 39): what the MLS application
 * message carries, and the tally each device makes from the conversation's order. The server sees
 * that a member sent an application message, never a question, an option, a choice, a coordinate
 * or a note's length and waveform.
 */

/** A poll as its author sent it: the options get ids here (their index), so votes name them. */
export interface EncryptedPollContent {
  question: string;
  options: { id: string; text: string }[];
  multiple: boolean;
  anonymous: boolean;
  closesAt?: string;
}

/** A shared place; with `liveUntil` a live one, moved by its author until then (encrypted-places.ts). */
export interface EncryptedPlace {
  lat: number;
  lng: number;
  accuracyM?: number;
  label?: string;
  liveUntil?: string;
}

/** My choice on the poll `pollId` (its message id), replacing my earlier one; `[]` takes it back. */
export interface EncryptedVote {
  pollId: string;
  optionIds: string[];
}

/** One vote or close as ordered: who sent it (from its MLS leaf), when and where. */
export interface PollRelation {
  seq: number;
  senderId: string;
  createdAt: string;
  vote?: { optionIds: string[] };
  close?: true;
}

/** The poll's message as ordered, with its content. */
export interface OrderedPoll {
  seq: number;
  senderId: string;
  content: EncryptedPollContent;
}

export function pollContentOf(input: PollInput): EncryptedPollContent {
  return {
    question: input.question,
    options: input.options.map((text, i) => ({ id: String(i), text })),
    multiple: input.multiple,
    anonymous: input.anonymous,
    ...(input.closesAt ? { closesAt: input.closesAt } : {}),
  };
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isFiniteIn = (v: unknown, bound: number): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= bound;

/** A poll read from decrypted JSON, or undefined when it is not one (a member may send anything). */
export function readPoll(value: unknown): EncryptedPollContent | undefined {
  const p = value as Record<string, unknown> | null;
  if (!p || !isString(p.question) || !Array.isArray(p.options) || typeof p.multiple !== 'boolean') return undefined;
  const options = p.options.filter((o): o is { id: string; text: string } => isString(o?.id) && isString(o?.text));
  const ids = new Set(options.map((o) => o.id));
  if (options.length !== p.options.length || ids.size !== options.length) return undefined;
  if (options.length < MIN_POLL_OPTIONS || options.length > MAX_POLL_OPTIONS) return undefined;
  return {
    question: p.question,
    options: options.map(({ id, text }) => ({ id, text })),
    multiple: p.multiple,
    anonymous: p.anonymous === true,
    ...(isString(p.closesAt) && !Number.isNaN(Date.parse(p.closesAt)) ? { closesAt: p.closesAt } : {}),
  };
}

export function readPlace(value: unknown): EncryptedPlace | undefined {
  const l = value as Record<string, unknown> | null;
  if (!l || !isFiniteIn(l.lat, 90) || !isFiniteIn(l.lng, 180)) return undefined;
  return {
    lat: l.lat,
    lng: l.lng,
    ...(typeof l.accuracyM === 'number' && l.accuracyM >= 0 ? { accuracyM: l.accuracyM } : {}),
    ...(isString(l.label) ? { label: l.label } : {}),
    ...(isString(l.liveUntil) && !Number.isNaN(Date.parse(l.liveUntil)) ? { liveUntil: l.liveUntil } : {}),
  };
}

/**
 * A voice note's player data read from decrypted JSON, held to the server's rules for a plain one
 * (`VoiceInfo`: a length up to a day, at most 128 amplitudes 0–255), or undefined.
 */
export function readVoice(value: unknown): VoiceInfo | undefined {
  const v = value as Record<string, unknown> | null;
  if (!v || !Number.isInteger(v.durationMs) || (v.durationMs as number) < 0 || (v.durationMs as number) > MAX_VOICE_MS) return undefined;
  const waveform = v.waveform;
  if (!Array.isArray(waveform) || waveform.length > MAX_WAVEFORM_POINTS) return undefined;
  if (!waveform.every((a) => Number.isInteger(a) && a >= 0 && a <= 255)) return undefined;
  return { durationMs: v.durationMs as number, waveform: waveform as number[] };
}

/** The longest voice note, as `VoiceInfo.durationMs` allows a plain one. */
export const MAX_VOICE_MS = 86_400_000;

export function readVote(value: unknown): EncryptedVote | undefined {
  const v = value as Record<string, unknown> | null;
  if (!v || !isString(v.pollId) || !Array.isArray(v.optionIds) || !v.optionIds.every(isString)) return undefined;
  return { pollId: v.pollId, optionIds: v.optionIds };
}

export function readPollClose(value: unknown): { pollId: string } | undefined {
  const c = value as Record<string, unknown> | null;
  return c && isString(c.pollId) ? { pollId: c.pollId } : undefined;
}

/**
 * The poll's results from its votes and closes, in the conversation's order, so every device that
 * applied the same order counts the same: a voter's later vote replaces the earlier one (`[]`
 * takes it back); ignored are a vote ordered before the poll, one naming an option the poll does
 * not have (or several on a single-choice poll), one by someone not in the group (`members`), and
 * anything after the poll closed (its author's close, or `closesAt` by the server's time of the
 * message). Voters are listed in the order of their standing vote, never on an anonymous poll.
 */
export function tallyPoll(poll: OrderedPoll, relations: readonly PollRelation[], members: ReadonlySet<string>, now = Date.now()): Poll {
  const { content } = poll;
  const known = new Set(content.options.map((o) => o.id));
  const closesAt = content.closesAt === undefined ? undefined : Date.parse(content.closesAt);
  const standing = new Map<string, { seq: number; optionIds: string[] }>();
  let closedAt: string | null = null;
  for (const r of [...relations].sort((a, b) => a.seq - b.seq)) {
    if (r.seq <= poll.seq || closedAt !== null || !members.has(r.senderId)) continue;
    if (closesAt !== undefined && Date.parse(r.createdAt) >= closesAt) continue;
    if (r.close) {
      if (r.senderId === poll.senderId) closedAt = r.createdAt;
      continue;
    }
    const chosen = [...new Set(r.vote?.optionIds ?? [])];
    if (!r.vote || chosen.some((id) => !known.has(id)) || (!content.multiple && chosen.length > 1)) continue;
    standing.delete(r.senderId); // re-inserted: the voter moves to the end of the order
    if (chosen.length > 0) standing.set(r.senderId, { seq: r.seq, optionIds: chosen });
  }
  if (closedAt === null && closesAt !== undefined && now >= closesAt) closedAt = new Date(closesAt).toISOString();
  const voters = [...standing].sort(([, a], [, b]) => a.seq - b.seq);
  return {
    question: content.question,
    options: content.options.map((o) => {
      const who = voters.filter(([, v]) => v.optionIds.includes(o.id)).map(([userId]) => userId);
      return { id: o.id, text: o.text, count: who.length, ...(content.anonymous ? {} : { voterIds: who }) };
    }),
    multiple: content.multiple,
    anonymous: content.anonymous,
    closedAt,
    ...(content.closesAt ? { closesAt: new Date(closesAt!).toISOString() } : {}),
  };
}
