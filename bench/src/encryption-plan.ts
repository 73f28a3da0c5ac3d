/**
 * The encryption phase's pure parts (encryption.ts), kept apart so they can be tested: its sizes'
 * checks, the alternation of the latency pairs, the texts sent, how an HTTP call is named in the
 * report and what a WebSocket frame costs on the wire beyond its payload.
 */

export type SendKind = 'plain' | 'encrypted';

export interface EncryptionSizes {
  /** Members added in one commit (each a user with one device). */
  members: number;
  /** Measured messages of each kind in the latency pairs. */
  messages: number;
  /** Group sizes (devices, the creator's included) whose MLS state is weighed. */
  stateGroups: readonly number[];
}

/** The texts whose frames are weighed: a short message and a long one (characters, ASCII). */
export const WIRE_TEXT_LENGTHS = [20, 1000] as const;
/** Sends of each kind and length weighed (their frames differ only by the digits of ids and times). */
export const WIRE_REPEATS = 3;

/** Unmeasured pairs before the latency pairs: the first sends warm the SDK, the engine and the server's caches. */
export const LATENCY_WARMUP_PAIRS = 10;

/** Refuses sizes the phase cannot run, saying which flag. */
export function checkEncryptionSizes(sizes: EncryptionSizes): void {
  if (sizes.members < 1) throw new Error('--encryption-members: at least 1');
  if (sizes.messages < 1) throw new Error('--encryption-messages: at least 1');
  // The state's groups are made of the creator and members already enabled for the add.
  const tooBig = sizes.stateGroups.filter((n) => n > sizes.members + 1);
  if (tooBig.length > 0)
    throw new Error(`--encryption-state-groups: ${tooBig.join(', ')} exceed --encryption-members + 1 (${sizes.members + 1} devices)`);
}

/** `2,10,50`: group sizes (devices, at least 2 each), distinct and ascending. */
export function parseGroupSizes(text: string): number[] {
  const sizes = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 2))
    throw new Error(`--encryption-state-groups: expected group sizes of 2 or more, got "${text}"`);
  return [...new Set(sizes)].sort((a, b) => a - b);
}

/**
 * The kinds of `pairs` pairs, one plain and one encrypted each, the first of each pair swapped
 * from pair to pair (p e e p p e …): neither kind always follows the other, so what one leaves
 * behind (a page read, a collection) weighs on both alike.
 */
export function latencyOrder(pairs: number): SendKind[] {
  const order: SendKind[] = [];
  for (let i = 0; i < pairs; i++) order.push(...(i % 2 === 0 ? (['plain', 'encrypted'] as const) : (['encrypted', 'plain'] as const)));
  return order;
}

/** A text of exactly `length` ASCII characters that begins with `tag` (so a receiver can tell it apart). */
export function textOf(length: number, tag: string): string {
  if (tag.length > length) throw new Error(`the tag "${tag}" is longer than ${length} characters`);
  const filler = ' the quick brown fox jumps over the lazy dog';
  let text = tag;
  while (text.length < length) text += filler;
  return text.slice(0, length);
}

/**
 * An HTTP call as the report groups it: the method and the path with ids replaced by `:id`
 * (a segment holding a digit and at least 8 characters), and for a send the MLS kind it carries.
 */
export function routeOf(method: string, url: string, body?: string): string {
  const path = new URL(url, 'http://x').pathname
    .split('/')
    .map((segment) => (segment.length >= 8 && /\d/.test(segment) ? ':id' : segment))
    .join('/');
  const mls = body === undefined ? undefined : /"mls":\{"type":"(\w+)"/.exec(body)?.[1];
  return `${method} ${path}${mls === undefined ? '' : ` (${mls})`}`;
}

/**
 * Bytes a WebSocket frame takes beyond its payload (RFC 6455 §5.2): 2 bytes, +2 from 126 bytes of
 * payload, +8 from 65,536; a client's frames add a 4-byte mask. TCP and IP headers not counted.
 */
export function frameOverhead(payloadBytes: number, fromClient: boolean): number {
  const length = payloadBytes < 126 ? 0 : payloadBytes < 65_536 ? 2 : 8;
  return 2 + length + (fromClient ? 4 : 0);
}

/** Bytes of a base64url text once decoded (the `mls.ciphertext` of a send). */
export function base64UrlBytes(text: string): number {
  const unpadded = text.replace(/=+$/, '');
  return Math.floor((unpadded.length * 3) / 4);
}

export interface RouteTotal {
  route: string;
  calls: number;
  ms: number;
  requestBytes: number;
  responseBytes: number;
}

/** HTTP calls summed by route, the longest total first; `per` divides every figure (calls per device). */
export function byRoute(
  calls: readonly { route: string; ms: number; requestBytes: number; responseBytes: number }[],
  per = 1,
): RouteTotal[] {
  const totals = new Map<string, RouteTotal>();
  for (const call of calls) {
    const total = totals.get(call.route) ?? { route: call.route, calls: 0, ms: 0, requestBytes: 0, responseBytes: 0 };
    total.calls += 1;
    total.ms += call.ms;
    total.requestBytes += call.requestBytes;
    total.responseBytes += call.responseBytes;
    totals.set(call.route, total);
  }
  const r = (n: number) => Math.round((10 * n) / per) / 10;
  return [...totals.values()]
    .sort((a, b) => b.ms - a.ms)
    .map((t) => ({ route: t.route, calls: r(t.calls), ms: r(t.ms), requestBytes: r(t.requestBytes), responseBytes: r(t.responseBytes) }));
}

/** Time (ms) with at least one of these calls in flight: calls made in parallel count once. */
export function busyMs(calls: readonly { at: number; ms: number }[]): number {
  const spans = calls.map((c) => [c.at, c.at + c.ms] as const).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [from, to] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const [start, end] of spans) {
    if (start > to) {
      if (to > from) total += to - from;
      [from, to] = [start, end];
    } else if (end > to) to = end;
  }
  if (to > from) total += to - from;
  return total;
}
