import Type, { type Static } from 'typebox';
import { Id, Timestamp } from './primitives.js';
import { PollInput } from './polls.js';

/**
 * Files: uploads, and what a message says about the ones it carries. An upload's type is what
 * its bytes are (detected by the server), never what the client claimed.
 */
const NullableInt = (description: string) => Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description });

const fileFields = {
  id: Id,
  filename: Type.String({ description: "The name the uploader's client gave (for display and downloads)" }),
  contentType: Type.String({ description: 'What the bytes are, detected by the server (`application/octet-stream` when unknown)' }),
  size: Type.Integer({ minimum: 0, description: 'Bytes' }),
  width: NullableInt('Images: pixels across (null for other kinds)'),
  height: NullableInt('Images: pixels down (null for other kinds)'),
  durationMs: NullableInt('Audio and video: length where the container says it (else null)'),
};

/** `POST /api/v1/uploads` answers this; only the uploader sees it whole. */
export const Upload = Type.Object(
  {
    ...fileFields,
    sha256: Type.String({ description: 'SHA-256 of the bytes, hex' }),
    createdAt: Timestamp,
  },
  { title: 'Upload' },
);
export type Upload = Static<typeof Upload>;
export const UploadResponse = Type.Object({ upload: Upload }, { title: 'UploadResponse' });
export type UploadResponse = Static<typeof UploadResponse>;

/** An upload as a message carries it: `GET /api/v1/uploads/{id}` has the bytes. */
export const Attachment = Type.Object(fileFields, { title: 'Attachment' });
export type Attachment = Static<typeof Attachment>;

export const MAX_ATTACHMENTS = 10;
export const MAX_WAVEFORM_POINTS = 128;

/** A voice note's player data, supplied by the sending client. */
export const VoiceInfo = Type.Object(
  {
    durationMs: Type.Integer({ minimum: 0, maximum: 86_400_000, description: 'Length as the recording client measured it' }),
    waveform: Type.Array(Type.Integer({ minimum: 0, maximum: 255 }), {
      maxItems: MAX_WAVEFORM_POINTS,
      description: `At most ${MAX_WAVEFORM_POINTS} amplitudes 0–255, for drawing the note`,
    }),
  },
  { additionalProperties: false, title: 'VoiceInfo' },
);
export type VoiceInfo = Static<typeof VoiceInfo>;

/** The ids of what a message carries: 1–10 of the sender's own uploads (a voice note: one audio upload). */
export const AttachmentIds = Type.Array(Id, {
  minItems: 1,
  maxItems: MAX_ATTACHMENTS,
  uniqueItems: true,
  description: `1–${MAX_ATTACHMENTS} of my own uploads (\`kind: "voice"\`: exactly one, audio); in an encrypted conversation, with an \`mls\` application message only: the uploads of its encrypted files (ciphertext, their keys inside the MLS message)`,
});

export const SendKind = Type.Enum(['text', 'attachment', 'voice', 'location', 'poll'], {
  description:
    '`text` (the default): `body` required; `attachment`: `attachmentIds`, `body` an optional caption; `voice`: one audio upload in `attachmentIds` and `voice`; `location`: `location`, `body` an optional caption; `poll`: `poll` (its question becomes the body), no `body`',
});

/** What a send adds to a text message's fields for the other kinds (REST body and `message.send` frame alike). */
export const SendContentFields = {
  kind: Type.Optional(SendKind),
  attachmentIds: Type.Optional(AttachmentIds),
  voice: Type.Optional(VoiceInfo),
  poll: Type.Optional(PollInput),
};
