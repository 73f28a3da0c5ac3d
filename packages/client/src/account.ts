import type {
  ChangePasswordBody,
  DeleteMeBody,
  ForgotPasswordResponse,
  Me,
  SessionList,
  SessionsEndedResponse,
  UserExport,
  VerifyEmailResponse,
} from '@confab/protocol';
import type { HttpTransport } from './http.js';

/**
 * The account calls beyond sign-in (`client.account`): email, password recovery and change, my
 * sessions, my data, erasing the account. Calls that end this session drop the client's tokens.
 */
export class AccountApi {
  constructor(private readonly http: HttpTransport) {}

  /** The token from the verification mail (no sign-in needed). */
  verifyEmail(token: string): Promise<VerifyEmailResponse> {
    return this.http.request('POST', '/api/v1/auth/email/verify', { body: { token }, auth: false });
  }

  /** A new address, unverified until the link mailed to it is opened. */
  changeEmail(email: string, password: string): Promise<Me> {
    return this.http.request('POST', '/api/v1/users/me/email', { body: { email, password } });
  }

  /** Always the same answer, whether or not an account matches `login` (a username or an email). */
  forgotPassword(login: string): Promise<ForgotPasswordResponse> {
    return this.http.request('POST', '/api/v1/auth/password/forgot', { body: { login }, auth: false });
  }

  /** Sets the password with the token from the reset mail; every session of the account ends. */
  resetPassword(token: string, password: string): Promise<SessionsEndedResponse> {
    return this.http.request('POST', '/api/v1/auth/password/reset', { body: { token, password }, auth: false });
  }

  changePassword(body: ChangePasswordBody): Promise<SessionsEndedResponse> {
    return this.http.request('POST', '/api/v1/auth/password/change', { body });
  }

  sessions(): Promise<SessionList> {
    return this.http.request('GET', '/api/v1/auth/sessions');
  }

  endSession(sessionId: string): Promise<void> {
    return this.http.request('DELETE', `/api/v1/auth/sessions/${encodeURIComponent(sessionId)}`);
  }

  /** Ends every session of mine, this one included. */
  async logoutAll(): Promise<SessionsEndedResponse> {
    const ended = await this.http.request<SessionsEndedResponse>('POST', '/api/v1/auth/logout-all');
    this.http.setTokens(null);
    return ended;
  }

  /** All my data (the server streams it; this reads it whole). */
  exportData(): Promise<UserExport> {
    return this.http.request('GET', '/api/v1/users/me/export');
  }

  /** All my data as the file the server streams (`.blob()` for a download, `.body` to stream it on). */
  exportFile(): Promise<Response> {
    return this.http.fetchRaw('GET', '/api/v1/users/me/export');
  }

  /** Erases my account; `eraseMessages` deletes my messages too. */
  async deleteAccount(body: DeleteMeBody): Promise<void> {
    await this.http.request<void>('DELETE', '/api/v1/users/me', { body });
    this.http.setTokens(null);
  }
}
