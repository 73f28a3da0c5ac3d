import Type from 'typebox';
import type {
  AdminHeldPage,
  AdminHeldQuery,
  AdminReport,
  AdminReportPage,
  AdminReportQuery,
  Message,
  ReportDecision,
  ReportMessageBody,
} from '@confab/protocol';
import { detail, invalid, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import { CursorFields, decodeCursor, encodeCursor } from '../../infra/cursor.js';
import type { ReportRecord, Store } from '../../store/store.js';
import type { MembershipCache } from '../conversations/membership.js';
import type { MessageService } from '../messaging/message-service.js';
import { heldView, messageView } from '../views.js';
import { SpamScreen } from './spam-screen.js';

const PAGE = 50;
const ReportCursor = Type.Object({ b: CursorFields.id }, { additionalProperties: false });
const HeldCursor = Type.Object({ a: CursorFields.id }, { additionalProperties: false });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Reports and held messages (issue 40): anyone reports a message they can read; admins resolve
 * reports and release or delete held messages, and each decision trains the spam model (a `spam`
 * decision or a deleted held message as spam, `not_spam` or a release as ordinary; `dismiss` trains nothing).
 */
export class ModerationService {
  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    private readonly messages: Pick<MessageService, 'release' | 'readMessage'>,
    private readonly screen: SpamScreen,
    /** 403 unless an instance admin (AdminService.authorize). */
    private readonly authorize: (userId: string) => Promise<void>,
  ) {}

  /** 202 whatever happens next; reporting again is the same report. 404 for a message I cannot read. */
  async report(userId: string, messageId: string, body: ReportMessageBody): Promise<void> {
    const message = await this.store.messages.getMessage(messageId);
    if (!message || message.deletedAt !== null || !(await this.membership.members(message.conversationId)).has(userId))
      throw notFound('Message');
    // A plain message's text is the message itself: only an encrypted one's may come from the reporter.
    if (body.sharedText !== undefined && message.mls === undefined)
      throw invalid('sharedText is only for a message of an end-to-end encrypted conversation', [
        detail('/sharedText', 'is only for a message of an end-to-end encrypted conversation'),
      ]);
    await this.store.assist.addReport({
      id: newId(),
      messageId,
      conversationId: message.conversationId,
      senderId: message.senderId,
      reporterId: userId,
      reason: body.reason,
      note: body.note ?? null,
      sharedText: body.sharedText ?? null,
      createdAt: Date.now(),
    });
  }

  async listReports(adminId: string, query: AdminReportQuery): Promise<AdminReportPage> {
    await this.authorize(adminId);
    const limit = query.limit ?? PAGE;
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ReportCursor).b;
    const rows = await this.store.assist.listReports({
      resolved: query.status === 'resolved',
      limit: limit + 1,
      ...(before === undefined ? {} : { beforeId: before }),
    });
    const page = rows.slice(0, limit);
    const messages = new Map((await this.store.messages.getMessages(page.map((r) => r.messageId))).map((m) => [m.id, m]));
    return {
      items: page.map((r) => reportView(r, messages.get(r.messageId))),
      nextCursor: rows.length > limit ? encodeCursor({ b: page.at(-1)!.id }) : null,
    };
  }

  /** 404 for no such report; resolving a resolved report again changes nothing and trains nothing (it answers the report as it is). */
  async resolve(adminId: string, reportId: string, decision: ReportDecision): Promise<AdminReport> {
    await this.authorize(adminId);
    const report = await this.store.assist.getReport(reportId);
    if (!report) throw notFound('Report');
    const resolved = await this.store.assist.resolveReport(reportId, decision, adminId, Date.now());
    const message = await this.store.messages.getMessage(report.messageId);
    if (resolved && decision !== 'dismiss' && message) await this.train(message.body, decision === 'spam', report.senderId);
    return reportView((await this.store.assist.getReport(reportId))!, message);
  }

  async listHeld(adminId: string, query: AdminHeldQuery): Promise<AdminHeldPage> {
    await this.authorize(adminId);
    const limit = query.limit ?? PAGE;
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, HeldCursor).a;
    const rows = await this.store.assist.listHeld({ limit: limit + 1, ...(after === undefined ? {} : { afterId: after }) });
    const page = rows.slice(0, limit);
    return {
      items: page.map((h) => ({ message: heldView(h.draft), score: h.score })),
      nextCursor: rows.length > limit ? encodeCursor({ a: page.at(-1)!.draft.id }) : null,
    };
  }

  /** Delivers a held message to its conversation now; 404 when none is held by that id (released or deleted already). */
  async release(adminId: string, messageId: string): Promise<Message> {
    await this.authorize(adminId);
    const held = await this.store.assist.getHeld(messageId);
    if (!held || !(await this.store.assist.unhold(messageId))) throw notFound('Held message');
    const { message } = await this.messages.release(held.draft);
    await this.train(held.draft.body, false, held.draft.senderId);
    return message;
  }

  /** Deletes a held message: it never reaches anyone. */
  async deleteHeld(adminId: string, messageId: string): Promise<void> {
    await this.authorize(adminId);
    const held = await this.store.assist.getHeld(messageId);
    if (!held || !(await this.store.assist.unhold(messageId))) throw notFound('Held message');
    await this.train(held.draft.body, true, held.draft.senderId);
  }

  private async train(body: string, spam: boolean, senderId: string): Promise<void> {
    await this.store.assist.trainSpam([...SpamScreen.featuresOf(body), '#docs'], spam, 1);
    await this.screen.trained(senderId);
  }
}

function reportView(r: ReportRecord, message: Parameters<typeof messageView>[0] | undefined): AdminReport {
  return {
    id: r.id,
    messageId: r.messageId,
    conversationId: r.conversationId,
    senderId: r.senderId,
    reporterId: r.reporterId,
    reason: r.reason,
    note: r.note,
    sharedText: r.sharedText,
    message: message && message.deletedAt === null ? messageView(message) : null,
    createdAt: new Date(r.createdAt).toISOString(),
    resolvedAt: iso(r.resolvedAt),
    decision: r.decision,
  };
}
