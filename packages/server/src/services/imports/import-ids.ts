import { createHash } from 'node:crypto';

/**
 * Ids an import derives from the export, so a second run names the same things: a message's
 * clientId (sends are idempotent by sender and clientId) and its id, a UUIDv7 whose time is the
 * message's own and whose other bits are a hash of where it came from. A reply can then name its
 * root by id without reading it back.
 */
const digest = (parts: readonly string[]) => createHash('sha256').update(parts.join('\u0000')).digest();

export const importClientId = (source: string, conversationId: string, key: string): string =>
  `import.${source}.${digest([source, conversationId, key]).toString('base64url').slice(0, 32)}`;

export function importMessageId(source: string, conversationId: string, key: string, sentAt: number): string {
  const bytes = digest(['message', source, conversationId, key]).subarray(0, 16);
  const ms = BigInt(Math.max(0, Math.min(sentAt, 2 ** 48 - 1)));
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
