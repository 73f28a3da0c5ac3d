import { AuthResponse, ClaimAccountBody, LoginBody, RefreshBody, RegisterBody } from '@confab/protocol';
import Type from 'typebox';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors, unauthenticated } from '../responses.js';
import { clientOf } from '../client-info.js';

export const authRoutes: RoutePlugin = async (app, { accounts: { auth, tokens, claim } }) => {
  app.post(
    '/api/v1/auth/register',
    {
      schema: {
        tags: ['auth'],
        operationId: 'register',
        security: unauthenticated,
        summary:
          'Create an account and sign in (403 registration_closed unless REGISTRATION is open; with REGISTRATION=invite an `invite` is needed). With an `email`, a verification link is mailed to it; it stays unverified until opened, and belongs to the first account that verifies it (sign-up answers the same whoever else gave it). 409 `username_taken` for a taken username or a look-alike of one (same confusable skeleton)',
        body: RegisterBody,
        response: { 201: AuthResponse, ...errors(400, 403, 409, 413) },
      },
    },
    async (request, reply) => reply.status(201).send(await auth.register(request.body, clientOf(request))),
  );

  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['auth'],
        operationId: 'login',
        security: unauthenticated,
        summary:
          'Sign in (a wrong password and an unknown user get the same 401); failures back one account off (429 with Retry-After), never lock it',
        body: LoginBody,
        response: { 200: AuthResponse, ...errors(400, 401) },
      },
    },
    async (request) => auth.login(request.body, clientOf(request)),
  );

  app.post(
    '/api/v1/auth/claim',
    {
      schema: {
        tags: ['auth'],
        operationId: 'claimAccount',
        security: unauthenticated,
        summary:
          'Claim an account an import made (issue 37): with the token from the claim mail, choose its first password; the account is activated and this signs in. 400 invalid_token for a link used, expired or never issued, or an account claimed already (ACCOUNT_CLAIM_TTL_SECONDS)',
        body: ClaimAccountBody,
        response: { 200: AuthResponse, ...errors(400) },
      },
    },
    async (request) => auth.signIn(await claim.claim(request.body.token, request.body.password), clientOf(request)),
  );

  app.post(
    '/api/v1/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        operationId: 'refreshTokens',
        security: unauthenticated,
        summary:
          'Trade a refresh token for a new pair; the old one is spent. The same token again within REFRESH_TOKEN_GRACE_MS (two tabs, a retry) gets the same pair; later, it ends the session',
        body: RefreshBody,
        response: { 200: AuthResponse, ...errors(400, 401) },
      },
    },
    async (request) => auth.refresh(request.body.refreshToken, clientOf(request)),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      onRequest: bearerAuth(tokens),
      schema: {
        tags: ['auth'],
        operationId: 'logout',
        summary: 'End this session: its access and refresh tokens stop working and its WebSockets close with 4403, on every node',
        security: bearer,
        response: { 204: Type.Null(), ...errors(401) },
      },
    },
    async (request, reply) => {
      await auth.logout(claims(request));
      return reply.status(204).send(null);
    },
  );
};
