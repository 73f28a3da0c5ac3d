import type { Draft, EventOf, ScheduledMessage } from '@confab/protocol';

/**
 * What is mine alone and outside the conversations' chains (issue 37): my saved messages, my
 * drafts and my pending scheduled messages, as this client knows them — the server's word from a
 * `saved()`, `drafts()` or `scheduled()` read, then kept current by the private events
 * (`saved.updated`, `draft.updated`, `scheduled.*`), applied as they come. `ChatState` owns one.
 */
export class PrivateState {
  /** Message id → when saved (ISO). */
  private readonly saved = new Map<string, string>();
  /** By conversation; cleared ones are kept for their version. */
  private readonly drafts = new Map<string, Draft>();
  /** Schedule id → schedule. */
  private readonly scheduled = new Map<string, ScheduledMessage>();

  savedAt(messageId: string): string | undefined {
    return this.saved.get(messageId);
  }

  knowSaved(items: readonly { messageId: string; savedAt: string }[]): void {
    for (const item of items) this.saved.set(item.messageId, item.savedAt);
  }

  savedChanged(event: EventOf<'saved.updated'>): void {
    if (event.saved && event.savedAt !== null) this.saved.set(event.messageId, event.savedAt);
    else this.saved.delete(event.messageId);
  }

  draft(conversationId: string): Draft | undefined {
    return this.drafts.get(conversationId);
  }

  /** A draft from the server or another device: kept unless an equal or newer version is already known. */
  draftChanged(draft: Draft): void {
    const known = this.drafts.get(draft.conversationId);
    if (!known || known.version < draft.version) this.drafts.set(draft.conversationId, draft);
  }

  scheduledMessages(conversationId?: string): ScheduledMessage[] {
    return [...this.scheduled.values()]
      .filter((s) => conversationId === undefined || s.conversationId === conversationId)
      .sort((a, b) => Date.parse(a.scheduledAt) - Date.parse(b.scheduledAt) || (a.id < b.id ? -1 : 1));
  }

  /** The whole list replaces what was known. */
  knowScheduled(items: readonly ScheduledMessage[]): void {
    this.scheduled.clear();
    for (const item of items) this.scheduled.set(item.id, item);
  }

  scheduledChanged(scheduled: ScheduledMessage): void {
    this.scheduled.set(scheduled.id, scheduled);
  }

  scheduledRemoved(scheduledId: string): void {
    this.scheduled.delete(scheduledId);
  }
}
