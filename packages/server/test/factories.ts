import { expect } from 'vitest';
import type { ConversationDetail } from '@confab/protocol';
import { type TestUser, api, registerUser } from './harness.js';

/**
 * Factories and short assertions shared by the end-to-end tests. Every factory builds fresh
 * users and conversations, so no test depends on another's data.
 */

/** Registers `count` fresh users in parallel. */
export function registerUsers(url: string, count: number, prefix?: string): Promise<TestUser[]> {
  return Promise.all(Array.from({ length: count }, () => registerUser(url, prefix)));
}

type Tuple<T, N extends number, R extends T[] = []> = R['length'] extends N ? R : Tuple<T, N, [...R, T]>;
/** `count` fresh users, typed as a tuple so they destructure without checks. */
export const freshUsers = <N extends number>(url: string, count: N) => registerUsers(url, count) as Promise<Tuple<TestUser, N>>;

/** A group owned by `owner` with `members` as plain members. */
export function createGroup(owner: TestUser, members: TestUser[], title = 'group'): Promise<ConversationDetail> {
  return owner.client.createGroup(
    title,
    members.map((m) => m.id),
  );
}

/** Raw POST of one message, so tests can assert the exact status. */
export function postMessage(url: string, user: TestUser, conversationId: string, body: string, clientId: string = crypto.randomUUID()) {
  return api(url, 'POST', `/api/v1/conversations/${conversationId}/messages`, { token: user.token, body: { clientId, body } });
}

/** Asserts the contract's error envelope: `{"error": {"code", "message", "details"?}}` with that status. */
export function expectError(response: { status: number; body: any }, status: number, code: string): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  expect(Object.keys(response.body.error).every((k) => ['code', 'message', 'details'].includes(k))).toBe(true);
}

/** Lets the wall clock move past the current millisecond, so activity timestamps order strictly. */
export async function nextMillisecond(): Promise<void> {
  const now = Date.now();
  while (Date.now() <= now) await new Promise((r) => setTimeout(r, 1));
}
