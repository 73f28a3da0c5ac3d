import Type, { type Static } from 'typebox';

/**
 * `GET /api/v1/config` (public; issue 35 item 5): the limits and settings a client needs before it
 * sends anything, so it can refuse what the server would refuse (a body over the limit, a file too
 * large) instead of discovering it after the fact.
 */
export const InstanceFeatures = Type.Object(
  {
    push: Type.Boolean({ description: 'Web Push notifications can be subscribed to (`GET /api/v1/push/vapid-public-key`)' }),
    mail: Type.Boolean({
      description:
        'Mail is sent (SMTP_URL is set): email verification and password reset by mail reach people. False: mails are only written to files on the server',
    }),
    search: Type.Boolean({ description: 'Full-text search of messages (`GET /api/v1/search`)' }),
    locations: Type.Boolean({ description: 'Location sharing, fixed or live' }),
    apiDocs: Type.Boolean({ description: 'The API reference UI is served at `/docs`' }),
    assist: Type.Boolean({ description: 'Assist (needs reply, catch-up, suggestions), computed on the instance; false when ASSIST=off' }),
  },
  { title: 'InstanceFeatures', description: 'Optional features, true when enabled on this instance' },
);
export type InstanceFeatures = Static<typeof InstanceFeatures>;

export const InstanceConfig = Type.Object(
  {
    maxMessageLength: Type.Integer({ minimum: 1, description: 'Longest message body, in Unicode code points (MAX_MESSAGE_LENGTH)' }),
    maxUploadBytes: Type.Integer({ minimum: 1, description: 'Largest upload, bytes (MAX_UPLOAD_BYTES): a larger one is refused with 413' }),
    maxAttachments: Type.Integer({ minimum: 1, description: 'Most attachments on one message' }),
    registration: Type.Union([Type.Literal('open'), Type.Literal('invite'), Type.Literal('closed')], {
      description: 'Who may sign up: anyone, holders of an invite (`invite` at register), or no one (REGISTRATION)',
    }),
    features: InstanceFeatures,
  },
  { title: 'InstanceConfig' },
);
export type InstanceConfig = Static<typeof InstanceConfig>;
