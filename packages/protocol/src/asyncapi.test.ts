import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { asyncApiDocument } from './asyncapi.js';
import { CLOSE_CODES } from './errors.js';
import { EPHEMERAL_EVENT_TYPES, POSITIONED_EVENT_TYPES } from './events.js';
import { CLIENT_FRAME_TYPES, ServerFrame } from './realtime.js';

const document = asyncApiDocument();
const REALTIME_MD = readFileSync(new URL('../../../docs/realtime.md', import.meta.url), 'utf8');

/** From `heading` to the next heading of any level. */
function section(heading: string): string {
  const start = REALTIME_MD.indexOf(`\n${heading}\n`);
  expect(start, `docs/realtime.md has ${heading}`).toBeGreaterThan(0);
  const end = REALTIME_MD.slice(start + heading.length + 2).search(/^#/m);
  return REALTIME_MD.slice(start, end < 0 ? undefined : start + heading.length + 2 + end);
}

/** The `type` names the document's messages carry, per direction (`client.` / `server.` keys). */
function messageNames(direction: 'client' | 'server'): string[] {
  const messages = (document.components as { messages: Record<string, { name: string }> }).messages;
  return Object.entries(messages)
    .filter(([key]) => key.startsWith(`${direction}.`))
    .map(([, message]) => message.name);
}

describe('the AsyncAPI document', () => {
  it('is a valid AsyncAPI 3 document by the AsyncAPI parser, without errors or warnings', async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(JSON.stringify(document));
    expect(diagnostics.map((d) => `${d.path.join('/')}: ${d.message}`)).toEqual([]);
    expect(parsed?.version()).toBe('3.1.0');
    const channel = parsed!.channels().get('socket')!;
    expect(channel.address()).toBe('/api/v1/ws');
    expect(
      parsed!
        .operations()
        .all()
        .map((o) => [o.id(), o.action(), o.messages().length]),
    ).toEqual([
      ['receiveClientFrames', 'receive', CLIENT_FRAME_TYPES.length],
      ['sendServerFrames', 'send', ServerFrame.anyOf.length],
    ]);
  });

  it("has a message for every client frame, and for every server frame and event, derived from the protocol's unions", () => {
    expect(messageNames('client')).toEqual([...CLIENT_FRAME_TYPES]);
    const serverTypes = ServerFrame.anyOf.map((frame) => frame.properties.type.const);
    expect(messageNames('server')).toEqual(serverTypes);
    for (const type of [...POSITIONED_EVENT_TYPES, ...EPHEMERAL_EVENT_TYPES]) expect(serverTypes).toContain(type);
    for (const reply of ['ready', 'heads', 'ack', 'pong', 'error']) expect(serverTypes).toContain(reply);
  });

  it('tags each server message as positioned, ephemeral or a reply, and carries the schemas with their `type` constant', () => {
    const messages = (document.components as { messages: Record<string, { tags: { name: string }[]; payload: any }> }).messages;
    expect(messages['server.message.created']!.tags).toEqual([{ name: 'positioned-event' }]);
    expect(messages['server.typing']!.tags).toEqual([{ name: 'ephemeral-event' }]);
    expect(messages['client.typing']!.tags).toEqual([{ name: 'client-frame' }]);
    expect(messages['server.ready']!.tags).toEqual([{ name: 'reply' }]);
    expect(messages['server.message.created']!.payload.properties.type).toEqual({ const: 'message.created', type: 'string' });
    expect(messages['server.message.created']!.payload.required).toEqual(expect.arrayContaining(['pos', 'prev', 'cursor', 'message']));
  });

  it('names every close code the protocol defines', () => {
    const channel = (document.channels as { socket: Record<string, unknown> }).socket;
    expect(channel['x-close-codes']).toEqual(CLOSE_CODES);
    for (const code of Object.values(CLOSE_CODES))
      expect(document.info).toHaveProperty('description', expect.stringContaining(`${code} (`));
  });

  it('has every frame and event docs/realtime.md documents (its tables and the `{"type":…}` frames it shows)', () => {
    const documented = new Set([
      ...[...REALTIME_MD.matchAll(/\{"type":"([a-z._]+)"/g)].map((m) => m[1]!),
      // The first column of the event tables: | `message.created` | …
      ...[...REALTIME_MD.matchAll(/^\| `([a-z_]+(?:\.[a-z_]+)?)` \|/gm)].map((m) => m[1]!),
      // The other frames listed by name: - `ready` — …, - `ack`, `error`, `pong` — …
      ...[...section('### Other frames').matchAll(/^- (`[a-z]+`(?:, `[a-z]+`)*) —/gm)].flatMap((m) =>
        [...m[1]!.matchAll(/`([a-z]+)`/g)].map((n) => n[1]!),
      ),
    ]);
    const inDocument = new Set([...messageNames('client'), ...messageNames('server')]);
    expect([...documented].filter((type) => !inDocument.has(type))).toEqual([]);
    // and the prose covers the document: nothing in the protocol goes undocumented
    expect([...inDocument].filter((type) => !documented.has(type))).toEqual([]);
  });
});
