/** Length-prefixed byte strings (u32 big-endian), for private keys kept as one value. */
export function packBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + 4 + part.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const part of parts) {
    view.setUint32(at, part.length);
    out.set(part, at + 4);
    at += 4 + part.length;
  }
  return out;
}

export function unpackBytes(bytes: Uint8Array, count: number): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.length) throw new RangeError('packed bytes end early');
    const length = view.getUint32(at);
    if (at + 4 + length > bytes.length) throw new RangeError('packed bytes end early');
    parts.push(bytes.slice(at + 4, at + 4 + length));
    at += 4 + length;
  }
  if (at !== bytes.length) throw new RangeError('packed bytes run on');
  return parts;
}

/** Bytes as unpadded base64url, the encoding of every binary field of the API. */
export function b64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}
