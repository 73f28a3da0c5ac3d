import { type EventBus, conversationTopic } from '../../bus/bus.js';
import type { MembershipCache } from '../conversations/membership.js';

export interface TypingTimings {
  /** At most one "typing" broadcast per user per conversation in this window. */
  throttleMs: number;
  /** A "typing" not refreshed for this long ends by itself ("stopped" is broadcast). */
  expireMs: number;
}

interface TypingState {
  active: boolean;
  lastBroadcastAt: number;
  expiry: NodeJS.Timeout;
}

/**
 * Typing indicators: ephemeral (never stored, no position), only to the conversation's members,
 * throttled, and expiring on their own. State lives on the node holding the typist's socket.
 */
export class TypingService {
  private readonly states = new Map<string, TypingState>();

  constructor(
    private readonly membership: MembershipCache,
    private readonly bus: EventBus,
    private readonly timings: TypingTimings,
  ) {}

  async setTyping(userId: string, conversationId: string, typing: boolean): Promise<void> {
    await this.membership.requireRole(conversationId, userId);
    const key = `${conversationId}:${userId}`;
    const state = this.states.get(key);
    if (state) clearTimeout(state.expiry);
    const now = Date.now();
    if (typing) {
      const broadcast = !state || !state.active || now - state.lastBroadcastAt >= this.timings.throttleMs;
      this.states.set(key, {
        active: true,
        lastBroadcastAt: broadcast ? now : state!.lastBroadcastAt,
        expiry: this.timer(() => this.stop(key, userId, conversationId), this.timings.expireMs),
      });
      if (broadcast) await this.publish(userId, conversationId, true);
      return;
    }
    if (!state?.active) {
      if (state) this.states.set(key, { ...state, expiry: this.timer(() => this.states.delete(key), this.timings.throttleMs) });
      return;
    }
    await this.stop(key, userId, conversationId);
  }

  /** Stops every indicator (shutdown). */
  close(): void {
    for (const state of this.states.values()) clearTimeout(state.expiry);
    this.states.clear();
  }

  private async stop(key: string, userId: string, conversationId: string): Promise<void> {
    const state = this.states.get(key);
    if (!state?.active) return;
    clearTimeout(state.expiry);
    // Remembered a little longer so a quick restart still honours the throttle window.
    this.states.set(key, { ...state, active: false, expiry: this.timer(() => this.states.delete(key), this.timings.throttleMs) });
    await this.publish(userId, conversationId, false);
  }

  private timer(run: () => unknown, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => void run(), ms);
    timer.unref();
    return timer;
  }

  private publish(userId: string, conversationId: string, typing: boolean): Promise<void> {
    return this.bus.publish([conversationTopic(conversationId)], { type: 'typing', conversationId, userId, typing });
  }
}
