import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './errors.js';
import { PendingRequests } from './pending-requests.js';

afterEach(() => vi.useRealTimers());

describe('PendingRequests', () => {
  it('answers each request by its frame id, and keeps the unanswered frames, in order, to send again', async () => {
    const pending = new PendingRequests(30_000);
    const first = pending.add('1', '{"id":"1"}');
    const second = pending.add('2', '{"id":"2"}');
    const third = pending.add('3', '{"id":"3"}');
    expect(pending.frames()).toEqual(['{"id":"1"}', '{"id":"2"}', '{"id":"3"}']);
    pending.resolve('2', { message: undefined, readSeq: 7 });
    pending.reject('3', { type: 'error', id: '3', error: { code: 'forbidden', message: 'no' } });
    expect(await second).toEqual({ message: undefined, readSeq: 7 });
    await expect(third).rejects.toMatchObject({ code: 'forbidden', message: 'no' });
    expect(pending.frames()).toEqual(['{"id":"1"}']);
    pending.resolve('2', { message: undefined, readSeq: 8 }); // an answer to nothing waiting: ignored
    pending.rejectAll(new ApiError(0, 'network_error', 'Connection closed'));
    await expect(first).rejects.toMatchObject({ code: 'network_error' });
    expect(pending.frames()).toEqual([]);
  });

  it('fails a request not answered in time, and forgets its frame', async () => {
    vi.useFakeTimers();
    const pending = new PendingRequests(1000);
    const answer = pending.add('1', '{"id":"1"}');
    const failed = expect(answer).rejects.toMatchObject({ code: 'network_error' });
    vi.advanceTimersByTime(1000);
    await failed;
    expect(pending.frames()).toEqual([]);
  });
});
