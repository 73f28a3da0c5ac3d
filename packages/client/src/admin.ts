import type {
  AdminHeldPage,
  AdminHeldQuery,
  AdminReport,
  AdminReportPage,
  AdminReportQuery,
  Message,
  MessageResponse,
  ReportDecision,
  AdminResetSentResponse,
  AdminUser,
  AdminUserPage,
  AdminUserQuery,
  AdminUserResponse,
  AuditPage,
  AuditQuery,
  CreateInviteBody,
  ImportJob,
  ImportResponse,
  ImportSource,
  InstanceStats,
  Invite,
  InviteResponse,
  SessionsEndedResponse,
} from '@confab/protocol';
import type { HttpTransport } from './http.js';

/**
 * Instance administration (`client.admin`), for instance admins (`Me.isAdmin`): anyone else gets
 * 403 `forbidden` from every call.
 */
export class AdminApi {
  constructor(private readonly http: HttpTransport) {}

  /** A single-use sign-up invite (REGISTRATION=invite); its token is shown once. */
  async createInvite(input: CreateInviteBody = {}): Promise<Invite> {
    return (await this.http.request<InviteResponse>('POST', '/api/v1/admin/invites', { body: input })).invite;
  }

  /** Every account (deactivated and erased ones too), by username; `q` searches. Pass `nextCursor` back as `cursor`. */
  users(query: AdminUserQuery = {}): Promise<AdminUserPage> {
    return this.http.request('GET', '/api/v1/admin/users', { query });
  }

  async user(userId: string): Promise<AdminUser> {
    return (await this.http.request<AdminUserResponse>('GET', userPath(userId))).user;
  }

  /** Ends every session of the account and refuses its sign-ins until `reactivate`; not myself (409). */
  async deactivate(userId: string): Promise<AdminUser> {
    return (await this.http.request<AdminUserResponse>('POST', `${userPath(userId)}/deactivate`)).user;
  }

  async reactivate(userId: string): Promise<AdminUser> {
    return (await this.http.request<AdminUserResponse>('POST', `${userPath(userId)}/reactivate`)).user;
  }

  /** Mails the user a reset link; 409 `conflict` when the account has no verified address. */
  sendPasswordReset(userId: string): Promise<AdminResetSentResponse> {
    return this.http.request('POST', `${userPath(userId)}/password-reset`);
  }

  /** Ends every session of the user; they can sign in again. */
  endSessions(userId: string): Promise<SessionsEndedResponse> {
    return this.http.request('POST', `${userPath(userId)}/logout-all`);
  }

  /**
   * Starts an import of a Slack workspace export or a Mattermost bulk export (issue 37): the file
   * as the multipart part `file` with a `source` field. Answers the queued run; follow it with
   * `importStatus` until its state is `done` or `failed`.
   */
  async startImport(source: ImportSource, file: Blob, filename?: string): Promise<ImportJob> {
    const form = new FormData();
    form.append('source', source);
    form.append('file', file, filename ?? ('name' in file && typeof file.name === 'string' ? file.name : 'export'));
    return (await this.http.request<ImportResponse>('POST', '/api/v1/admin/imports', { form })).import;
  }

  /** An import run: its state, what it added by kind, the files it could not read. */
  async importStatus(importId: string): Promise<ImportJob> {
    return (await this.http.request<ImportResponse>('GET', `/api/v1/admin/imports/${encodeURIComponent(importId)}`)).import;
  }

  stats(): Promise<InstanceStats> {
    return this.http.request('GET', '/api/v1/admin/stats');
  }

  /** The audit log, newest first. */
  audit(query: AuditQuery = {}): Promise<AuditPage> {
    return this.http.request('GET', '/api/v1/admin/audit', { query });
  }

  /** Reports of messages (issue 40): open ones by default, newest first. */
  reports(query: AdminReportQuery = {}): Promise<AdminReportPage> {
    return this.http.request('GET', '/api/v1/admin/reports', { query });
  }

  /** Resolves a report and the other open reports of its message; `spam` / `not_spam` train the spam model. */
  resolveReport(reportId: string, decision: ReportDecision): Promise<AdminReport> {
    return this.http.request('POST', `/api/v1/admin/reports/${encodeURIComponent(reportId)}/resolve`, { body: { decision } });
  }

  /** Messages held for review by the spam model, oldest first. */
  held(query: AdminHeldQuery = {}): Promise<AdminHeldPage> {
    return this.http.request('GET', '/api/v1/admin/held', { query });
  }

  /** Delivers a held message now. */
  async releaseHeld(messageId: string): Promise<Message> {
    return (await this.http.request<MessageResponse>('POST', `/api/v1/admin/held/${encodeURIComponent(messageId)}/release`)).message;
  }

  /** Deletes a held message: it never reaches anyone. */
  async deleteHeld(messageId: string): Promise<void> {
    await this.http.request('DELETE', `/api/v1/admin/held/${encodeURIComponent(messageId)}`);
  }
}

const userPath = (id: string) => `/api/v1/admin/users/${encodeURIComponent(id)}`;
