// What the generator's sockets read from the server: its frames are recognised by their prefix
// (the shapes the server writes) so a received frame costs as little CPU as it can.

export const READY = Buffer.from('{"type":"ready"');
const ACK = Buffer.from('{"type":"ack","id":"');
const ERROR = Buffer.from('{"type":"error"');
const CREATED = Buffer.from('{"type":"message.created"');
// The other message events a member's socket receives (the mixed workload's): counted like copies.
const CHANGED = [Buffer.from('{"type":"message.updated"'), Buffer.from('{"type":"message.deleted"')];

export function startsWith(data: Buffer, prefix: Buffer): boolean {
  if (data.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix[i]) return false;
  return true;
}

export type Frame =
  { kind: 'ack'; id: string } | { kind: 'error'; id: string | null; code: string } | { kind: 'created' } | { kind: 'other'; type: string };

/**
 * Classifies a server frame: the shapes the server writes (`{"type":"ack","id":"…` and so on)
 * are recognised by their prefix; anything else is parsed as JSON.
 */
export function classify(data: Buffer): Frame {
  if (startsWith(data, ACK)) {
    const end = data.indexOf(0x22 /* " */, ACK.length);
    return { kind: 'ack', id: data.toString('latin1', ACK.length, end) };
  }
  if (startsWith(data, CREATED) || CHANGED.some((prefix) => startsWith(data, prefix))) return { kind: 'created' };
  let frame: { type?: unknown; id?: unknown; error?: { code?: unknown } };
  try {
    frame = JSON.parse(data.toString('utf8')) as typeof frame;
  } catch {
    return { kind: 'other', type: 'unparseable' };
  }
  if (frame.type === 'ack' && typeof frame.id === 'string') return { kind: 'ack', id: frame.id };
  if (frame.type === 'message.created') return { kind: 'created' };
  if (frame.type === 'error') {
    return { kind: 'error', id: typeof frame.id === 'string' ? frame.id : null, code: String(frame.error?.code ?? 'unknown') };
  }
  return { kind: 'other', type: String(frame.type) };
}

export const isAck = (data: Buffer) => startsWith(data, ACK);
export const isError = (data: Buffer) => startsWith(data, ERROR);

/** A WebSocket URL fit for an error message: its access token left out. */
export const redact = (url: string) => url.replace(/access_token=[^&]+/, 'access_token=…');
