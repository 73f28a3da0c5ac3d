import type { UpdateUserSettingsBody, UserSettings } from '@confab/protocol';
import { AppError } from '../../errors.js';
import type { AssistSettingsRecord, Store } from '../../store/store.js';

export type AssistFeature = 'needsReply' | 'catchUp' | 'replySuggestions';

/** Until a person changes a switch, everything is on (the instance may still have it all off). */
export const DEFAULT_ASSIST: AssistSettingsRecord = { enabled: true, needsReply: true, catchUp: true, replySuggestions: true };

const disabled = (why: string) => new AppError('assist_disabled', why);

/**
 * My Assist switches (`GET` / `PATCH /api/v1/users/me/settings`) and the gate every Assist call
 * passes: ASSIST=off for the instance, then my `enabled`, then the feature's own switch.
 */
export class AssistSettingsService {
  constructor(
    private readonly store: Store,
    private readonly instanceEnabled: boolean,
  ) {}

  async get(userId: string): Promise<UserSettings> {
    return { assist: await this.switches(userId) };
  }

  async update(userId: string, body: UpdateUserSettingsBody): Promise<UserSettings> {
    if (!this.instanceEnabled) throw disabled('Assist is off on this instance (ASSIST=off)');
    const assist = { ...(await this.switches(userId)), ...body.assist };
    await this.store.assist.putSettings(userId, assist, Date.now());
    return { assist };
  }

  /** Throws 403 assist_disabled unless `feature` (or, without one, Assist as a whole) is on for me. */
  async require(userId: string, feature?: AssistFeature): Promise<void> {
    if (!this.instanceEnabled) throw disabled('Assist is off on this instance (ASSIST=off)');
    const mine = await this.switches(userId);
    if (!mine.enabled) throw disabled('Assist is off in your settings');
    if (feature !== undefined && !mine[feature]) throw disabled(`${feature} is off in your settings`);
  }

  private async switches(userId: string): Promise<AssistSettingsRecord> {
    return (await this.store.assist.getSettings(userId)) ?? DEFAULT_ASSIST;
  }
}
