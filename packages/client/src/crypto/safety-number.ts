/**
 * The safety number two people compare to verify each other (decision 0027), after Signal's
 * numeric fingerprint: for each person, SHA-512 iterated 5200 times over
 * `version (2 bytes, 0) ‖ identity key ‖ user id (UTF-8)`, the digest fed back with the key each
 * round; the first 30 bytes as six 5-byte big-endian numbers, each mod 100000, give 30 digits.
 * The two halves are put in ascending order, so both people compute the same 60 digits; shown
 * as twelve groups of five. A changed identity key changes the number.
 */
const ITERATIONS = 5200;

async function fingerprint(identityKey: Uint8Array, userId: string): Promise<string> {
  const id = new TextEncoder().encode(userId);
  let hash: Uint8Array = concat(new Uint8Array([0, 0]), identityKey, id);
  for (let i = 0; i < ITERATIONS; i++) {
    hash = new Uint8Array(await crypto.subtle.digest('SHA-512', concat(hash, identityKey) as Uint8Array<ArrayBuffer>));
  }
  let digits = '';
  for (let chunk = 0; chunk < 6; chunk++) {
    let value = 0;
    for (let b = 0; b < 5; b++) value = value * 256 + hash[chunk * 5 + b]!;
    digits += String(value % 100000).padStart(5, '0');
  }
  return digits;
}

export async function safetyNumber(
  mine: { userId: string; identityKey: Uint8Array },
  theirs: { userId: string; identityKey: Uint8Array },
): Promise<string> {
  const halves = [await fingerprint(mine.identityKey, mine.userId), await fingerprint(theirs.identityKey, theirs.userId)].sort();
  return (halves.join('').match(/\d{5}/g) ?? []).join(' ');
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
