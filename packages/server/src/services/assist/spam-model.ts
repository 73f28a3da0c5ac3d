import { type Word, words } from '../../store/search-tokens.js';
import type { SpamFeatureCount } from '../../store/store.js';

/**
 * The instance's spam model (issue 40; docs/assist.md): naive Bayes over a message's features,
 * trained only from this instance's admins' decisions. Pure: the counts come from the store, the
 * send-time signals (burst, near-duplicates) from spam-screen.ts.
 */

/** The row holding how many spam and ordinary messages the model was trained on. */
export const DOCS_FEATURE = '#docs';
/** Below this many trained messages of either class, the model scores 0: it holds nothing it has not learned. */
export const MIN_TRAINED_PER_CLASS = 20;
/** Only the features that say most either way are combined (Graham's "most interesting"): one long message is not surer for being long. */
const STRONGEST = 15;
const MAX_FEATURE_LENGTH = 64;
const URL = /\bhttps?:\/\/\S+|\bwww\.\S+/giu;

/** What the screen knows of the send besides its text. */
export interface SendSignals {
  /** The sender's other messages in the last minute. */
  recentSends: number;
  /** Messages near-identical to this one sent lately by senders not trusted (any of them). */
  nearDuplicates: number;
}

const bucket = (n: number, edges: readonly number[]) => edges.filter((e) => n >= e).length;

/**
 * Send-time signals are not kept with a message, so an admin's decision cannot train them: they
 * add fixed evidence (log-odds per bucket) to what the trained features say, when those lean to spam.
 */
const BURST_WEIGHT = 0.5;
const DUPLICATE_WEIGHT = 1;
/** Shorter texts ("ok", "thanks!") are alike by nature, not copies. */
export const MIN_WORDS_FOR_DUPLICATES = 5;

/** The trained features of a message: its words (folded), each once, its links' hosts, and buckets of its link count and ratio. */
export function spamFeatures(body: string): string[] {
  return featuresOf(wordsAndLinks(body));
}

/**
 * What the screen reads of a send, its text segmented once (segmenting is most of the cost): the
 * trained features, and the SimHash of its words, links aside, so the same text with another link
 * is still a near-duplicate (0 when it has too few words to compare).
 */
export function readSend(body: string): { features: string[]; hash: number } {
  const text = wordsAndLinks(body);
  return { features: featuresOf(text), hash: text.words.length >= MIN_WORDS_FOR_DUPLICATES ? simHashOf(text.words) : 0 };
}

function wordsAndLinks(body: string): { words: Word[]; links: string[] } {
  return { words: words(body.replace(URL, ' ')), links: body.match(URL) ?? [] };
}

function featuresOf({ words: ws, links }: { words: Word[]; links: string[] }): string[] {
  const found = new Set<string>();
  for (const w of ws) found.add(`w:${w.folded.slice(0, MAX_FEATURE_LENGTH)}`);
  for (const link of links) {
    const host = /^(?:https?:\/\/)?([^/?#\s]+)/iu.exec(link)?.[1]?.toLowerCase();
    if (host) found.add(`host:${host.slice(0, MAX_FEATURE_LENGTH)}`);
  }
  const ratio = links.length / Math.max(1, ws.length + links.length);
  found.add(`links:${bucket(links.length, [1, 2, 4])}`);
  found.add(`linkratio:${bucket(ratio, [0.01, 0.1, 0.3])}`);
  return [...found];
}

/** The fixed evidence of the send-time signals, in log-odds. */
export function signalEvidence(signals: SendSignals): number {
  return BURST_WEIGHT * bucket(signals.recentSends, [3, 6, 10]) + DUPLICATE_WEIGHT * bucket(signals.nearDuplicates, [1, 3, 10]);
}

/** Naive Bayes over feature presence, with add-one smoothing and equal priors (reports are not a sample of all traffic). */
export class SpamModel {
  private readonly counts = new Map<string, { spam: number; ham: number }>();
  private spamDocs = 0;
  private hamDocs = 0;

  constructor(rows: readonly SpamFeatureCount[] = []) {
    for (const row of rows) this.add(row.feature, row.spam, row.ham);
  }

  /** Counts one trained message (the store keeps the same counts: `store.assist.trainSpam`). */
  learn(features: readonly string[], spam: boolean, weight = 1): void {
    for (const f of new Set([...features, DOCS_FEATURE])) this.add(f, spam ? weight : 0, spam ? 0 : weight);
  }

  get trained(): { spam: number; ham: number } {
    return { spam: this.spamDocs, ham: this.hamDocs };
  }

  /** False until it has learned enough of both classes: it scores everything 0, and so holds nothing. */
  get canScore(): boolean {
    return this.spamDocs >= MIN_TRAINED_PER_CLASS && this.hamDocs >= MIN_TRAINED_PER_CLASS;
  }

  /** 0–1: how likely the features are spam's; 0 until the model has learned enough of both classes. */
  score(features: readonly string[], signals: SendSignals = { recentSends: 0, nearDuplicates: 0 }): number {
    if (!this.canScore) return 0;
    const evidence: number[] = [];
    for (const f of features) {
      const c = this.counts.get(f);
      if (!c) continue; // never seen: says nothing
      const pSpam = (c.spam + 1) / (this.spamDocs + 2);
      const pHam = (c.ham + 1) / (this.hamDocs + 2);
      evidence.push(Math.log(pSpam / pHam));
    }
    evidence.sort((a, b) => Math.abs(b) - Math.abs(a));
    const fromWords = evidence.slice(0, STRONGEST).reduce((sum, e) => sum + e, 0);
    // The signals only add to a suspicion the words raised: a burst of ordinary messages is a busy person.
    const logOdds = fromWords > 0 ? fromWords + signalEvidence(signals) : fromWords;
    return 1 / (1 + Math.exp(-logOdds));
  }

  private add(feature: string, spam: number, ham: number): void {
    if (feature === DOCS_FEATURE) {
      this.spamDocs += spam;
      this.hamDocs += ham;
      return;
    }
    const c = this.counts.get(feature) ?? { spam: 0, ham: 0 };
    c.spam += spam;
    c.ham += ham;
    this.counts.set(feature, c);
  }
}

/** A 32-bit SimHash of the message's words: near-identical texts differ in few bits. */
export function simHash(body: string): number {
  return simHashOf(words(body));
}

function simHashOf(ws: readonly Word[]): number {
  if (ws.length === 0) return 0;
  const weights = new Int32Array(32);
  const addShingle = (h: number) => {
    for (let bit = 0; bit < 32; bit++) weights[bit]! += (h >>> bit) & 1 ? 1 : -1;
  };
  for (let i = 0; i < ws.length; i++) {
    // Word pairs as well as words: order counts a little.
    addShingle(fnv1a(ws[i]!.folded));
    if (i > 0) addShingle(fnv1a(`${ws[i - 1]!.folded} ${ws[i]!.folded}`));
  }
  let hash = 0;
  for (let bit = 0; bit < 32; bit++) if (weights[bit]! > 0) hash |= 1 << bit;
  return hash >>> 0;
}

export function hammingDistance(a: number, b: number): number {
  let x = (a ^ b) >>> 0;
  let n = 0;
  while (x) {
    x &= x - 1;
    n++;
  }
  return n;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
