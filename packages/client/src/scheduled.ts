import type { PageQuery, ScheduledMessage, ScheduledPage, ScheduledResponse, UpdateScheduledBody } from '@confab/protocol';
import type { HttpTransport } from './http.js';
import { newClientId } from './ids.js';

/** What a scheduled message may carry besides its text (issue 37: text messages only). */
export interface ScheduleOptions {
  /** The idempotency key: retrying with the same one answers the same schedule. */
  clientId?: string;
  replyToId?: string;
  threadRootId?: string;
}

/**
 * `ConfabClient.scheduled`: messages of mine to be sent later (issue 37). The server sends each at
 * its time, checking my rights again then; my devices hear of every change through
 * `scheduled.updated` and `scheduled.removed` (`ChatState.scheduledMessages`).
 */
export class ScheduledApi {
  constructor(private readonly http: HttpTransport) {}

  /** Schedules `body` in a conversation for `at` (a minute to a year ahead, else 400 `schedule_out_of_range`). */
  async schedule(conversationId: string, body: string, at: Date | string, options: ScheduleOptions = {}): Promise<ScheduledMessage> {
    const { clientId = newClientId(), ...links } = options;
    const scheduledAt = typeof at === 'string' ? at : at.toISOString();
    const path = `/api/v1/conversations/${encodeURIComponent(conversationId)}/messages`;
    return (await this.http.request<ScheduledResponse>('POST', path, { body: { clientId, body, scheduledAt, ...links } })).scheduled;
  }

  /** A page of my pending schedules, soonest first. */
  list(query: PageQuery = {}): Promise<ScheduledPage> {
    return this.http.request('GET', '/api/v1/scheduled', { query });
  }

  /** Every pending schedule of mine, soonest first (all pages). */
  async all(): Promise<ScheduledMessage[]> {
    const items: ScheduledMessage[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list({ limit: 100, ...(cursor === undefined ? {} : { cursor }) });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return items;
  }

  /** Changes the text and/or the time (`scheduledAt`, ISO) of one; 409 `conflict` while it is being sent. */
  async update(id: string, patch: UpdateScheduledBody): Promise<ScheduledMessage> {
    return (await this.http.request<ScheduledResponse>('PATCH', `/api/v1/scheduled/${encodeURIComponent(id)}`, { body: patch })).scheduled;
  }

  /** Deletes one before it is sent. */
  async delete(id: string): Promise<void> {
    await this.http.request('DELETE', `/api/v1/scheduled/${encodeURIComponent(id)}`);
  }
}
