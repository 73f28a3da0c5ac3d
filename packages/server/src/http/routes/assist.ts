import Type from 'typebox';
import {
  ReplySuggestions,
  ReportMessageBody,
  AssistListQuery,
  AssistPeopleQuery,
  CatchUp,
  CatchUpQuery,
  IdParams,
  NeedsReplyPage,
  NeedsReplyParams,
  NeedsReplyQuery,
  SuggestedConversations,
  SuggestedPeople,
  UpdateUserSettingsBody,
  UserSettings,
} from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors } from '../responses.js';

/** Assist (issue 40; docs/assist.md): each route one service call; a feature that is off answers 403 assist_disabled. */
export const assistRoutes: RoutePlugin = async (app, { assist, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const tags = ['assist'];

  app.get(
    '/api/v1/users/me/settings',
    {
      schema: {
        tags,
        operationId: 'getMySettings',
        summary:
          'My Assist switches (all on until I change one); whether the instance has Assist is `features.assist` of GET /api/v1/config',
        security: bearer,
        response: { 200: UserSettings, ...errors(401) },
      },
    },
    async (request) => assist.settings.get(claims(request).userId),
  );

  app.patch(
    '/api/v1/users/me/settings',
    {
      schema: {
        tags,
        operationId: 'updateMySettings',
        summary: 'Turns Assist, or one of its features, on or off for me; 403 assist_disabled when the instance has it off (ASSIST=off)',
        security: bearer,
        body: UpdateUserSettingsBody,
        response: { 200: UserSettings, ...errors(400, 401, 403) },
      },
    },
    async (request) => assist.settings.update(claims(request).userId, request.body),
  );

  app.get(
    '/api/v1/assist/needs-reply',
    {
      schema: {
        tags,
        operationId: 'listNeedsReply',
        summary:
          'Messages of the last 30 days that ask something of me and have no answer from me after them (a mention of me, a reply to my message, a question or request in a direct conversation), newest first, each with its reason and the words that triggered it. Gone once I write after it in its conversation (or its thread), react to it, or dismiss it',
        security: bearer,
        querystring: NeedsReplyQuery,
        response: { 200: NeedsReplyPage, ...errors(400, 401, 403) },
      },
    },
    async (request) => assist.needsReply.list(claims(request).userId, request.query),
  );

  app.delete(
    '/api/v1/assist/needs-reply/:messageId',
    {
      schema: {
        tags,
        operationId: 'dismissNeedsReply',
        summary: 'Takes a message off my "Needs reply" list for good (idempotent); 404 for a message I cannot read',
        security: bearer,
        params: NeedsReplyParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await assist.needsReply.dismiss(claims(request).userId, request.params.messageId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/conversations/:id/catch-up',
    {
      schema: {
        tags,
        operationId: 'catchUp',
        summary:
          "What I missed in a conversation's main timeline (after my read marker, or `since`; the newest 1000 messages at most): up to 5 sentences quoted from others' messages, ranked by TextRank with boosts for mentions of me, questions, decisions and dates, links and pins; who wrote; questions no one answered. 404 for a conversation I am not in",
        security: bearer,
        params: IdParams,
        querystring: CatchUpQuery,
        response: { 200: CatchUp, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => assist.catchUp.catchUp(claims(request).userId, request.params.id, request.query.since),
  );

  app.get(
    '/api/v1/assist/people',
    {
      schema: {
        tags,
        operationId: 'suggestPeople',
        summary:
          'People I deal with most, lately most (frecency over the last 12 weeks: messages to them, replies, mentions either way, reactions, reads), best first; `q` keeps those with a word of their username or display name starting with it',
        security: bearer,
        querystring: AssistPeopleQuery,
        response: { 200: SuggestedPeople, ...errors(400, 401, 403) },
      },
    },
    async (request) => assist.suggestions.people(claims(request).userId, request.query),
  );

  app.get(
    '/api/v1/assist/conversations',
    {
      schema: {
        tags,
        operationId: 'suggestConversations',
        summary: 'My conversations by frecency (what I sent there, mentions of me, reactions, reads; 12 weeks), best first',
        security: bearer,
        querystring: AssistListQuery,
        response: { 200: SuggestedConversations, ...errors(400, 401, 403) },
      },
    },
    async (request) => assist.suggestions.conversations(claims(request).userId, request.query),
  );

  app.get(
    '/api/v1/messages/:id/reply-suggestions',
    {
      schema: {
        tags,
        operationId: 'replySuggestions',
        summary:
          'Up to 3 short replies for me to this message, taken from my own past replies to similar messages (BM25 over their words), then chips: "Yes"/"No" in its language for a yes/no question, "Schedule for …" for a date or time it names. Empty when nothing fits, for my own message and in a conversation the server may not read; 404 for a message I cannot read',
        security: bearer,
        params: IdParams,
        response: { 200: ReplySuggestions, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => assist.replySuggestions.suggest(claims(request).userId, request.params.id),
  );

  app.post(
    '/api/v1/messages/:id/report',
    {
      schema: {
        tags,
        operationId: 'reportMessage',
        summary: "Reports a message to the instance's admins (202; reporting it again is the same report); 404 for a message I cannot read",
        security: bearer,
        params: IdParams,
        body: ReportMessageBody,
        response: { 202: Type.Null(), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await assist.moderation.report(claims(request).userId, request.params.id, request.body);
      return reply.status(202).send(null);
    },
  );
};
