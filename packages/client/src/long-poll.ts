import type { EventPage, SyncQuery, SyncResponse } from '@confab/protocol';
import type { HttpTransport } from './http.js';

/** `client.events`: the event log over HTTP, for clients that cannot keep a socket (or catch up without one). */
export class EventsApi {
  constructor(private readonly http: HttpTransport) {}

  /** Long-poll: events after `since` as soon as there are some, or none after `timeout` seconds. */
  sync(query: SyncQuery = {}): Promise<SyncResponse> {
    return this.http.request('GET', '/api/v1/sync', { query: query as Record<string, string | number | undefined> });
  }

  /** One conversation's events after position `after`. */
  conversation(conversationId: string, after: number): Promise<EventPage> {
    return this.http.request('GET', `/api/v1/conversations/${encodeURIComponent(conversationId)}/events`, { query: { after } });
  }
}
