import type { Backends } from '../backends.js';
import type { MembershipCache } from '../conversations/membership.js';
import { AssistSettingsService } from './assist-settings.js';
import { CatchUpService } from './catch-up-service.js';
import { NeedsReplyService } from './needs-reply-service.js';
import { SuggestionsService } from './suggestions-service.js';
import { ReplySuggestionsService } from './reply-suggestions-service.js';
import { ModerationService } from './moderation-service.js';
import { SpamScreen } from './spam-screen.js';
import type { MessageService } from '../messaging/message-service.js';
import type { ModelProvider } from '../../infra/models/model-provider.js';

/** Assist (issue 40; docs/assist.md): computed on the instance from its own data, nothing downloaded or sent. */
export interface Assist {
  /** My switches and the gate (ASSIST=off, then mine). */
  settings: AssistSettingsService;
  needsReply: NeedsReplyService;
  catchUp: CatchUpService;
  /** People and conversations by frecency. */
  suggestions: SuggestionsService;
  replySuggestions: ReplySuggestionsService;
  /** Reports, held messages and the spam model's training (admins' decisions). */
  moderation: ModerationService;
  /** The spam screen on the send path (MessageService.sendOrHold). */
  screen: SpamScreen;
}

export async function createAssist(
  { config, store, bus, hub, logger }: Pick<Backends, 'config' | 'store' | 'bus' | 'hub' | 'logger'>,
  deps: {
    membership: MembershipCache;
    messages: MessageService;
    authorizeAdmin: (userId: string) => Promise<void>;
    /** The local model ASSIST_MODEL_PATH names, loaded at start-up; null: every feature on its rules alone. */
    model?: ModelProvider | null;
  },
): Promise<Assist> {
  const settings = new AssistSettingsService(store, config.assist);
  const screen = new SpamScreen(
    store,
    config.assist ? config.assistSpamHold : null,
    (error) => logger.warn({ err: error }, 'could not read the spam model'),
    bus,
  );
  // Every node hears of training at once (the `cluster` topic, through the hub: one handler per topic).
  await screen.followCluster({ subscribe: hub.consumer().subscribe, onResync: (listener) => bus.onResync(listener) });
  deps.messages.screenWith(screen);
  return {
    screen,
    replySuggestions: new ReplySuggestionsService(store, deps.membership, settings, deps.model ?? null, (error) =>
      logger.warn({ err: error }, 'the Assist model failed: reply suggestions by BM25 alone'),
    ),
    moderation: new ModerationService(store, deps.membership, deps.messages, screen, deps.authorizeAdmin),
    settings,
    needsReply: new NeedsReplyService(store, deps.membership, settings),
    catchUp: new CatchUpService(store, deps.membership, settings, deps.model ?? null, (error) =>
      logger.warn({ err: error }, 'the Assist model failed: catch-up by shared words alone'),
    ),
    suggestions: new SuggestionsService(store, settings),
  };
}
