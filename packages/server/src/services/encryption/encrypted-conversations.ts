import type { DecryptFailureReport, MlsGroupState } from '@confab/protocol';
import { notFound } from '../../errors.js';
import type { Metrics } from '../../metrics.js';
import type { Store } from '../../store/store.js';
import type { MembershipCache } from '../conversations/membership.js';

/**
 * An encrypted conversation's group as its members' devices read it (issue 39): the group id,
 * ciphersuite, current epoch and latest GroupInfo; and the decrypt failures they report, which
 * only move a metric (counts and reasons: the server learns nothing of the content).
 */
export class EncryptedConversationService {
  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    private readonly metrics: Pick<Metrics, 'decryptFailures'> | undefined,
  ) {}

  async groupState(userId: string, conversationId: string): Promise<MlsGroupState> {
    await this.membership.requireRole(conversationId, userId);
    const group = await this.store.conversations.getMlsGroup(conversationId);
    if (!group) throw notFound('Encrypted conversation');
    return { conversationId, groupId: group.groupId, ciphersuite: group.ciphersuite, epoch: group.epoch, groupInfo: group.groupInfo };
  }

  async reportDecryptFailures(userId: string, conversationId: string, report: DecryptFailureReport): Promise<void> {
    await this.groupState(userId, conversationId);
    this.metrics?.decryptFailures.inc({ reason: report.reason }, report.count);
  }
}
