import type {
  AssistListQuery,
  AssistPeopleQuery,
  CatchUp,
  NeedsReplyPage,
  NeedsReplyQuery,
  ReplySuggestions,
  ReportMessageBody,
  SuggestedConversations,
  SuggestedPeople,
  UpdateUserSettingsBody,
  UserSettings,
} from '@confab/protocol';
import type { HttpTransport } from './http.js';

/**
 * `ConfabClient.assist` (issue 40): needs reply, catch-up, frecency suggestions and my switches.
 * Every call but `settings` fails with 403 `assist_disabled` when the feature is off.
 */
export class AssistApi {
  constructor(private readonly http: HttpTransport) {}

  /** My Assist switches (all on until I change one). */
  settings(): Promise<UserSettings> {
    return this.http.request('GET', '/api/v1/users/me/settings');
  }

  updateSettings(body: UpdateUserSettingsBody): Promise<UserSettings> {
    return this.http.request('PATCH', '/api/v1/users/me/settings', { body });
  }

  /** Messages that ask something of me and have no answer from me after them, newest first. */
  needsReply(query: NeedsReplyQuery = {}): Promise<NeedsReplyPage> {
    return this.http.request('GET', '/api/v1/assist/needs-reply', { query });
  }

  /** Takes a message off my "Needs reply" list for good. */
  async dismiss(messageId: string): Promise<void> {
    await this.http.request('DELETE', `/api/v1/assist/needs-reply/${encodeURIComponent(messageId)}`);
  }

  /** What I missed in a conversation (after my read marker, or `since`): quoted sentences, speakers, open questions. */
  catchUp(conversationId: string, since?: number): Promise<CatchUp> {
    return this.http.request('GET', `/api/v1/conversations/${encodeURIComponent(conversationId)}/catch-up`, {
      query: since === undefined ? {} : { since },
    });
  }

  people(query: AssistPeopleQuery = {}): Promise<SuggestedPeople> {
    return this.http.request('GET', '/api/v1/assist/people', { query });
  }

  conversations(query: AssistListQuery = {}): Promise<SuggestedConversations> {
    return this.http.request('GET', '/api/v1/assist/conversations', { query });
  }

  /** Up to 3 of my own past replies to messages like this one, then yes/no and schedule chips; empty when nothing fits. */
  replySuggestions(messageId: string): Promise<ReplySuggestions> {
    return this.http.request('GET', `/api/v1/messages/${encodeURIComponent(messageId)}/reply-suggestions`);
  }

  /** Reports a message to the instance's admins (reporting again is the same report). */
  async report(messageId: string, body: ReportMessageBody): Promise<void> {
    await this.http.request('POST', `/api/v1/messages/${encodeURIComponent(messageId)}/report`, { body });
  }
}
