import { ChangePasswordBody, ForgotPasswordBody, ForgotPasswordResponse, ResetPasswordBody, SessionsEndedResponse } from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors, unauthenticated } from '../responses.js';

/** Password recovery by mail, and changing my password. */
export const passwordRoutes: RoutePlugin = async (app, { accounts: { passwordReset, account, tokens } }) => {
  const tags = ['auth'];

  app.post(
    '/api/v1/auth/password/forgot',
    {
      schema: {
        tags,
        operationId: 'forgotPassword',
        security: unauthenticated,
        summary:
          'Ask for a password-reset link by username or email. Always 202 with the same body, in the same time, whether or not an account matches; the link goes to the account’s verified address and works once, for PASSWORD_RESET_TTL_SECONDS',
        body: ForgotPasswordBody,
        response: { 202: ForgotPasswordResponse, ...errors(400) },
      },
    },
    async (request, reply) => reply.status(202).send(passwordReset.forgot(request.body.login)),
  );

  app.post(
    '/api/v1/auth/password/reset',
    {
      schema: {
        tags,
        operationId: 'resetPassword',
        security: unauthenticated,
        summary:
          'Set a new password with the token from the reset mail (single use). Every session of the account ends: its tokens are refused and its WebSockets close with 4403, on every node',
        body: ResetPasswordBody,
        response: { 200: SessionsEndedResponse, ...errors(400) },
      },
    },
    async (request) => passwordReset.reset(request.body.token, request.body.password),
  );

  app.post(
    '/api/v1/auth/password/change',
    {
      onRequest: bearerAuth(tokens),
      schema: {
        tags,
        operationId: 'changePassword',
        security: bearer,
        summary:
          'Change my password (the current one is needed). My other sessions end unless `keepOtherSessions` is true; this one goes on',
        body: ChangePasswordBody,
        response: { 200: SessionsEndedResponse, ...errors(400, 401, 403) },
      },
    },
    async (request) => account.changePassword(claims(request), request.body),
  );
};
