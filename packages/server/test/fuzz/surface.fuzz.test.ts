import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientFrame } from '@confab/protocol';
import { type Schema, encodings, fromSchema, hostileScalar, hostileValue, idArbitrary, mutate } from './arbitraries.js';
import { type FuzzTarget, type Operation, encodePart, judge, send, startFuzzTarget } from './target.js';
import { type Frame, FrameProbe } from './frame-probe.js';

/** Calls that would end the fuzzing user's session with its own token: sent with a bad one instead. */
const SESSION_ENDING = new Set(['logout', 'logoutAll']);

/**
 * The surface fuzzed from its own contract: every operation of the OpenAPI document and every
 * client frame type, with wrong types, missing and extra fields, huge and negative numbers, deep
 * nesting, `__proto__` keys, invalid UTF-8, lone surrogates, oversized bodies and binary frames.
 * Pass: no 5xx, every refusal a 4xx in the error envelope (or a documented close code), nothing
 * logged at error level and no unhandled rejection. `npm test` runs FUZZ_RUNS (default 3,000)
 * cases; `npm run fuzz` runs 100,000 and prints the count.
 */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 3000);
const HTTP_RUNS = Math.ceil(RUNS * 0.7);
const FRAME_RUNS = RUNS - HTTP_RUNS;
/** Independent streams of requests at once, each its own seed, so the server sees concurrency too. */
const LANES = 4;
const counted = { http: 0, frames: 0 };

describe('fuzz: the HTTP and WebSocket surface', { timeout: Math.max(60_000, RUNS * 10) }, () => {
  let target: FuzzTarget;
  beforeAll(async () => {
    target = await startFuzzTarget();
  }, 60_000);
  afterAll(async () => {
    await target?.close();
    process.stdout.write(
      `fuzz: ${counted.http} HTTP requests and ${counted.frames} WebSocket frames (${counted.http + counted.frames} cases)\n`,
    );
  });

  it(`answers ${HTTP_RUNS} generated requests over every operation without a 5xx, each refusal in the envelope`, async () => {
    const request = requestArbitrary(target);
    await Promise.all(
      Array.from({ length: LANES }, (_, lane) =>
        fc.assert(
          fc.asyncProperty(request, async ({ method, path, headers, body, what }) => {
            counted.http += 1;
            const problem = judge(await send(target.url, method, path, headers, body), what, method);
            if (problem !== undefined) throw new Error(problem);
          }),
          { numRuns: Math.ceil(HTTP_RUNS / LANES), seed: seedFor(lane), endOnFailure: true },
        ),
      ),
    );
    expect(target.findings).toEqual([]);
  });

  it(`answers ${FRAME_RUNS} generated frames of every type with frames or a documented close code`, async () => {
    const probe = new FrameProbe(target.url, target.token);
    try {
      await fc.assert(
        fc.asyncProperty(frameArbitrary(target), async (frame) => {
          counted.frames += 1;
          const problem = await probe.exchange(frame);
          if (problem !== undefined) throw new Error(problem);
        }),
        { numRuns: FRAME_RUNS, seed: seedFor(LANES), endOnFailure: true },
      );
    } finally {
      probe.close();
    }
    expect(target.findings).toEqual([]);
  });
});

/** FUZZ_SEED replays a run; otherwise each run explores anew (the seed is printed on failure). */
function seedFor(lane: number): number {
  const base = process.env['FUZZ_SEED'] === undefined ? Date.now() : Number(process.env['FUZZ_SEED']);
  return (base + lane * 7919) | 0;
}

interface BuiltRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  what: string;
}

function requestArbitrary(target: FuzzTarget): fc.Arbitrary<BuiltRequest> {
  const ids = idArbitrary(target.ids);
  const resolve = (): Schema => ({});
  const pathValue = fc.oneof(
    { arbitrary: ids.map(encodePart), weight: 6 },
    fc.string({ unit: 'binary', maxLength: 30 }).map(encodePart),
    fc.constantFrom('%ff%fe', '%', '%zz', '..', '%2e%2e', '%00', 'a'.repeat(300), '%F0%9F%98%80', '%ED%A0%80'),
  );
  return fc.constantFrom(...target.operations).chain((op) =>
    fc
      .record({
        method: fc.oneof(
          { arbitrary: fc.constant(op.method), weight: 12 },
          fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'),
        ),
        params: fc.tuple(...op.pathParams.map(() => pathValue)),
        query: queryArbitrary(op, ids, resolve),
        body:
          op.body === undefined
            ? fc.option(
                hostileValue.chain((v) => encodings(v, target.bodyLimit)),
                { freq: 8 },
              )
            : mutate(fromSchema(op.body, resolve, ids)).chain((v) => encodings(v, target.bodyLimit)),
        auth: fc.oneof(
          { arbitrary: fc.constant(SESSION_ENDING.has(op.operationId) ? 'Bearer not-a-token' : `Bearer ${target.token}`), weight: 10 },
          fc.constantFrom(undefined, 'Bearer', 'Bearer x.y.z', 'Basic YTpi', `Bearer ${target.token}x`, `bearer  ${target.token} extra`),
        ),
        contentType: fc.oneof(
          { arbitrary: fc.constant('application/json'), weight: 10 },
          fc.constantFrom(
            undefined,
            'text/plain',
            'application/json; charset=latin1',
            'application/x-www-form-urlencoded',
            'multipart/form-data',
          ),
        ),
      })
      .map(({ method, params, query, body, auth, contentType }) => {
        let i = 0;
        const path = op.path.replace(/\{[^}]+\}/g, () => params[i++] ?? 'x') + query;
        const headers: Record<string, string> = {};
        if (auth !== undefined) headers['authorization'] = auth;
        if (body !== null && body !== undefined && contentType !== undefined) headers['content-type'] = contentType;
        const sent = method === 'GET' || method === 'HEAD' || body === null ? undefined : body;
        return { method, path, headers, body: sent, what: `${method} ${path.slice(0, 200)} (${op.operationId})` };
      }),
  );
}

function queryArbitrary(op: Operation, ids: fc.Arbitrary<string>, resolve: (ref: string) => Schema): fc.Arbitrary<string> {
  const value = (schema: Schema, name: string) =>
    fc.oneof(
      { arbitrary: fromSchema(schema, resolve, ids, name).map(String), weight: 4 },
      hostileScalar.map((v) => String(v)),
    );
  const entries = op.query.map(({ name, schema }) =>
    fc.option(
      value(schema, name).map((v) => [name, v] as const),
      { freq: 3 },
    ),
  );
  const extra = fc.option(fc.tuple(fc.constantFrom('__proto__', 'x', 'limit', 'constructor[prototype]'), hostileScalar.map(String)), {
    freq: 6,
  });
  return fc.tuple(fc.tuple(...entries), extra, fc.constantFrom('', '', '', '&', '&&=', '%zz', '=x')).map(([pairs, more, junk]) => {
    const parts = [...pairs, more].filter((p): p is readonly [string, string] => p !== null);
    // The long-poll would wait up to its timeout: the fuzz asks it not to wait.
    const waitless = op.operationId === 'sync' ? parts.filter(([name]) => name !== 'timeout').concat([['timeout', '0']]) : parts;
    const text = waitless.map(([k, v]) => `${encodePart(k)}=${encodePart(v)}`).join('&') + junk;
    return text === '' ? '' : `?${text}`;
  });
}

function frameArbitrary(target: FuzzTarget): fc.Arbitrary<Frame> {
  const ids = idArbitrary(target.ids);
  const text = (data: string): Frame => ({ data, binary: false });
  const valid = mutate(fromSchema(ClientFrame as unknown as Schema, () => ({}), ids));
  return fc.oneof(
    { arbitrary: valid.map((v) => text(JSON.stringify(v) ?? 'null')), weight: 12 },
    hostileValue.map((v) => text(JSON.stringify(v) ?? 'null')),
    fc.string({ unit: 'grapheme', maxLength: 50 }).map(text),
    fc
      .constantFrom(
        '{"type":"message.send","__proto__":{"isAdmin":true},"id":"p","conversationId":"c","clientId":"c","body":"b"}',
        '{"type":"ping","id":"\\ud800"}',
        '{"type":"typing","conversationId":"\\udfff","typing":true}',
        '['.repeat(5000) + ']'.repeat(5000),
        '{"type":"ping","id":"x",' + '"a":{'.repeat(300) + '}'.repeat(300) + '}',
      )
      .map(text),
    fc.integer({ min: target.wsMaxFrame + 1, max: target.wsMaxFrame * 16 }).map((n) => text(`{"type":"ping","pad":"${'x'.repeat(n)}"}`)),
    fc.constant(text('x'.repeat(target.wsMaxFrame * 16 + 1))),
    fc.uint8Array({ maxLength: 64 }).map((data) => ({ data, binary: true })),
    fc.uint8Array({ minLength: 1, maxLength: 16 }).map((bytes) => ({
      data: Buffer.concat([Buffer.from('{"type":"ping","id":"'), Buffer.from([0xff, 0xc0, ...bytes]), Buffer.from('"}')]),
      binary: false,
      invalidUtf8: true,
    })),
  );
}
