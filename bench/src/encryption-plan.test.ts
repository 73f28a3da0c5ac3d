import { describe, expect, it } from 'vitest';
import { base64UrlBytes, busyMs, byRoute, frameOverhead, latencyOrder, routeOf, textOf } from './encryption-plan.js';

describe('the latency pairs’ order', () => {
  it('alternates the kinds, each pair one of each, the first swapped from pair to pair', () => {
    expect(latencyOrder(3)).toEqual(['plain', 'encrypted', 'encrypted', 'plain', 'plain', 'encrypted']);
    const order = latencyOrder(101);
    expect(order.filter((k) => k === 'plain')).toHaveLength(101);
    expect(order.filter((k) => k === 'encrypted')).toHaveLength(101);
    // Neither kind follows the other more than once in a row of pairs.
    const encryptedFirst = Array.from({ length: 101 }, (_, i) => order[2 * i] === 'encrypted').filter(Boolean).length;
    expect(encryptedFirst).toBe(50);
    expect(latencyOrder(0)).toEqual([]);
  });
});

describe('the texts sent', () => {
  it('are exactly the length asked, ASCII, and begin with their tag', () => {
    for (const length of [20, 1000]) {
      const text = textOf(length, 'e17 ');
      expect(text).toHaveLength(length);
      expect(Buffer.byteLength(text)).toBe(length);
      expect(text.startsWith('e17 ')).toBe(true);
    }
    expect(textOf(4, 'abcd')).toBe('abcd');
    expect(() => textOf(3, 'abcd')).toThrow('longer than 3');
  });
});

describe('the HTTP calls', () => {
  it('are named by method and path with ids replaced, a send by the MLS kind it carries', () => {
    expect(routeOf('GET', 'http://127.0.0.1:4000/api/v1/users/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/devices')).toBe(
      'GET /api/v1/users/:id/devices',
    );
    expect(routeOf('GET', 'http://h/api/v1/conversations/c8f1e2d3a4b5/messages?after=3&limit=100')).toBe(
      'GET /api/v1/conversations/:id/messages',
    );
    expect(
      routeOf('POST', 'http://h/api/v1/conversations/c8f1e2d3a4b5/messages', '{"clientId":"x","mls":{"type":"welcome","ciphertext":"AA"}}'),
    ).toBe('POST /api/v1/conversations/:id/messages (welcome)');
    // Words of the API, even long ones, stay.
    expect(routeOf('POST', 'http://h/api/v1/users/me/key-packages/claim', '{}')).toBe('POST /api/v1/users/me/key-packages/claim');
  });

  it('are summed by route, the longest first, and divided per device when asked', () => {
    const calls = [
      { route: 'GET a', ms: 10, requestBytes: 0, responseBytes: 100 },
      { route: 'POST b', ms: 30, requestBytes: 50, responseBytes: 10 },
      { route: 'GET a', ms: 30, requestBytes: 0, responseBytes: 300 },
    ];
    expect(byRoute(calls)).toEqual([
      { route: 'GET a', calls: 2, ms: 40, requestBytes: 0, responseBytes: 400 },
      { route: 'POST b', calls: 1, ms: 30, requestBytes: 50, responseBytes: 10 },
    ]);
    expect(byRoute(calls, 2)[0]).toEqual({ route: 'GET a', calls: 1, ms: 20, requestBytes: 0, responseBytes: 200 });
    expect(byRoute([])).toEqual([]);
  });

  it('count the time with one in flight once, however many overlap', () => {
    expect(busyMs([])).toBe(0);
    expect(busyMs([{ at: 0, ms: 10 }])).toBe(10);
    // Two overlapping (0–10, 5–20), one inside another (6–8), one apart (30–35).
    expect(
      busyMs([
        { at: 5, ms: 15 },
        { at: 30, ms: 5 },
        { at: 0, ms: 10 },
        { at: 6, ms: 2 },
      ]),
    ).toBe(25);
  });
});

describe('the bytes on the wire', () => {
  it('add the WebSocket header by payload length, and the mask to a client’s frames (RFC 6455 §5.2)', () => {
    expect(frameOverhead(125, false)).toBe(2);
    expect(frameOverhead(126, false)).toBe(4);
    expect(frameOverhead(65_535, true)).toBe(8);
    expect(frameOverhead(65_536, false)).toBe(10);
    expect(frameOverhead(20, true)).toBe(6);
  });

  it('read a base64url ciphertext’s decoded size', () => {
    for (const n of [0, 1, 2, 3, 354, 1166]) {
      const text = Buffer.alloc(n, 7).toString('base64url');
      expect(base64UrlBytes(text)).toBe(n);
      expect(base64UrlBytes(Buffer.alloc(n, 7).toString('base64'))).toBe(n);
    }
  });
});
