import type {
  ConversationSearchQuery,
  ConversationSearchResult,
  LocationInput,
  Message,
  SearchPage,
  SearchQuery,
  UpdateLocationBody,
} from '@confab/protocol';
import type { HttpTransport } from './http.js';
import type { SendOptions } from './files.js';
import type { EncryptedPlaceActions } from './crypto/encrypted-place-actions.js';
import { newClientId } from './ids.js';

/** `ConfabClient.search`: full-text search of my messages, and my conversations by name. */
export class SearchApi {
  constructor(private readonly http: HttpTransport) {}

  /** Messages with every word of `q` (the last as a prefix while typing); pass `nextCursor` back as `cursor` for the next page. */
  messages(query: SearchQuery): Promise<SearchPage> {
    return this.http.request('GET', '/api/v1/search', { query });
  }

  /** My conversations by name: a group's title, a direct conversation's other member. */
  conversations(query: ConversationSearchQuery): Promise<ConversationSearchResult> {
    return this.http.request('GET', '/api/v1/search/conversations', { query });
  }
}

/** Options of a location send; `body` is an optional caption. */
export interface LocationSendOptions {
  clientId?: string;
  body?: string;
  replyToId?: string;
  threadRootId?: string;
}

/** `ConfabClient.locations`: sharing a place, fixed or live, over REST (`RealtimeConnection.sendLocation` over the socket). */
export class LocationsApi {
  /**
   * `sendMessage`: the client's own, so a place sent into an encrypted conversation goes inside an
   * MLS message; `encrypted`: the moves and stops of a live place there, which the server cannot read.
   */
  constructor(
    private readonly http: HttpTransport,
    private readonly sendMessage: (
      conversationId: string,
      body: string | undefined,
      clientId: string,
      links: SendOptions,
    ) => Promise<Message>,
    private readonly encrypted?: EncryptedPlaceActions,
  ) {}

  /**
   * Shares a place (`kind: "location"`); with `location.liveUntil` (at most 8 hours ahead) it is
   * live: move it with `update`, end it with `stop`. Retrying with the same `clientId` never stores a duplicate.
   */
  async send(conversationId: string, location: LocationInput, options: LocationSendOptions = {}): Promise<Message> {
    const { clientId = newClientId(), body, ...rest } = options;
    return this.sendMessage(conversationId, body, clientId, { kind: 'location', location, ...rest });
  }

  /** Moves my live location (members get `message.updated`); 409 conflict once it has ended. */
  async update(messageId: string, position: UpdateLocationBody): Promise<Message> {
    // A live place of an encrypted conversation this device decrypted: the move goes inside an MLS message.
    const encrypted = await this.encrypted?.update(messageId, position);
    if (encrypted) return encrypted;
    return (await this.http.request<{ message: Message }>('PATCH', `${messagePath(messageId)}/location`, { body: position })).message;
  }

  /** Ends my live location now (idempotent once ended). */
  async stop(messageId: string): Promise<Message> {
    const encrypted = await this.encrypted?.stop(messageId);
    if (encrypted) return encrypted;
    return (await this.http.request<{ message: Message }>('POST', `${messagePath(messageId)}/location/stop`)).message;
  }
}

const messagePath = (id: string) => `/api/v1/messages/${encodeURIComponent(id)}`;
