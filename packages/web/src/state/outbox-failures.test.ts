import { ApiError } from '@confab/client';
import { describe, expect, it } from 'vitest';
import { ComposerRefills, type Refill } from './composer-refill.js';
import { type PendingMessage, isEditable, isRetryable } from './outbox.js';

/** Issue 35 item 5: a message the server refused for good is edited or discarded, not retried forever. */
describe('which failures a retry can fix', () => {
  it('a busy or failing server, a rate limit, the network: yes', () => {
    for (const error of [
      new ApiError(503, 'unavailable', 'later'),
      new ApiError(500, 'internal', 'oops'),
      new ApiError(429, 'rate_limited', 'slow down', undefined, 1000),
      new ApiError(0, 'network_error', 'offline'),
      new Error('anything unexpected'),
    ]) {
      expect(isRetryable(error), error.message).toBe(true);
    }
  });

  it('a refusal that answers the same every time: no, also as a socket error frame (which has no HTTP status)', () => {
    for (const error of [
      new ApiError(400, 'validation_failed', 'too long'),
      new ApiError(0, 'validation_failed', 'too long (over the socket)'),
      new ApiError(0, 'blocked', 'blocked (over the socket)'),
      new ApiError(403, 'forbidden', 'not allowed'),
      new ApiError(0, 'not_found', 'gone (over the socket)'),
    ]) {
      expect(isRetryable(error), error.message).toBe(false);
    }
    // Over the socket, rate limits and unavailability still are worth another try.
    expect(isRetryable(new ApiError(0, 'rate_limited', 'slow down'))).toBe(true);
    expect(isRetryable(new ApiError(0, 'unavailable', 'later'))).toBe(true);
  });
});

describe('handing a failed message back to the composer', () => {
  it('reaches the listening composer of its conversation only', () => {
    const refills = new ComposerRefills();
    const a: Refill[] = [];
    const b: Refill[] = [];
    refills.listen('a', (r) => a.push(r));
    refills.listen('b', (r) => b.push(r));
    refills.put('a', { body: 'fix me', links: { replyToId: 'm1' } });
    expect(a).toEqual([{ body: 'fix me', links: { replyToId: 'm1' } }]);
    expect(b).toEqual([]);
  });

  it('waits for a composer not showing yet, and is delivered once', () => {
    const refills = new ComposerRefills();
    refills.put('c', { body: 'later', links: {} });
    const got: Refill[] = [];
    const stop = refills.listen('c', (r) => got.push(r));
    expect(got).toEqual([{ body: 'later', links: {} }]);
    stop();
    refills.listen('c', (r) => got.push(r));
    expect(got).toHaveLength(1);
  });

  it('a composer that unmounted no longer receives; the next one does', () => {
    const refills = new ComposerRefills();
    const old: Refill[] = [];
    refills.listen('d', (r) => old.push(r))();
    refills.put('d', { body: 'x', links: {} });
    expect(old).toEqual([]);
    const next: Refill[] = [];
    refills.listen('d', (r) => next.push(r));
    expect(next).toEqual([{ body: 'x', links: {} }]);
  });
});

describe('which failed messages Edit can take back', () => {
  const failed = (body: string | undefined, links: PendingMessage['links']): PendingMessage => ({
    clientId: 'c',
    conversationId: 'conv',
    body,
    links,
    createdAt: '2026-11-25T00:00:00.000Z',
    status: 'failed',
    permanent: true,
  });

  it('text, also a reply or in a thread: yes', () => {
    expect(isEditable(failed('hello', {}))).toBe(true);
    expect(isEditable(failed('hello', { kind: 'text', replyToId: 'm1', threadRootId: 'm0' }))).toBe(true);
  });

  it('an attachment, a voice note, a location (the composer would send them unseen), or no text: no', () => {
    expect(isEditable(failed('caption', { kind: 'attachment', attachmentIds: ['u1'] }))).toBe(false);
    expect(isEditable(failed(undefined, { kind: 'voice', attachmentIds: ['u1'], voice: { durationMs: 1000, waveform: [] } }))).toBe(false);
    expect(isEditable(failed('here', { kind: 'location', location: { lat: 1, lng: 2 } }))).toBe(false);
    expect(isEditable(failed(undefined, {}))).toBe(false);
  });
});
