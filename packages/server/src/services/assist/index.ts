import type { Backends } from '../backends.js';
import type { MembershipCache } from '../conversations/membership.js';
import { AssistSettingsService } from './assist-settings.js';
import { CatchUpService } from './catch-up-service.js';
import { NeedsReplyService } from './needs-reply-service.js';
import { SuggestionsService } from './suggestions-service.js';

/** Assist (issue 40; docs/assist.md): computed on the instance from its own data, nothing downloaded or sent. */
export interface Assist {
  /** My switches and the gate (ASSIST=off, then mine). */
  settings: AssistSettingsService;
  needsReply: NeedsReplyService;
  catchUp: CatchUpService;
  /** People and conversations by frecency. */
  suggestions: SuggestionsService;
}

export function createAssist({ config, store }: Pick<Backends, 'config' | 'store'>, deps: { membership: MembershipCache }): Assist {
  const settings = new AssistSettingsService(store, config.assist);
  return {
    settings,
    needsReply: new NeedsReplyService(store, deps.membership, settings),
    catchUp: new CatchUpService(store, deps.membership, settings),
    suggestions: new SuggestionsService(store, settings),
  };
}
