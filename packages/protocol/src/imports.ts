import Type, { type Static } from 'typebox';
import { Id, Timestamp } from './primitives.js';

/** Imports from Slack and Mattermost (issue 37): `POST /api/v1/admin/imports`, `GET /api/v1/admin/imports/:id`. */

export const ImportSource = Type.Union([Type.Literal('slack'), Type.Literal('mattermost')], {
  title: 'ImportSource',
  description: '`slack`: a workspace export (zip); `mattermost`: a bulk export (JSONL, or a zip holding it)',
});
export type ImportSource = Static<typeof ImportSource>;

const count = (description: string) => Type.Integer({ minimum: 0, description });

export const ImportJob = Type.Object(
  {
    id: Id,
    source: ImportSource,
    state: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')], {
      description: '`done` may carry errors: the files that could not be read were skipped, nothing of them written',
    }),
    counts: Type.Object(
      {
        users: count('people mapped: matched by a verified address, or created deactivated until claimed'),
        conversations: count('groups and direct conversations made'),
        messages: count('messages added to a main timeline'),
        replies: count('thread replies added'),
        reactions: count('reactions added (one per person and emoji)'),
        pins: count('messages pinned'),
        files: count('files of the export stored'),
      },
      { description: 'What this run added: a second run of the same export adds nothing (all 0)' },
    ),
    errors: Type.Array(
      Type.Object({
        file: Type.String({ description: 'The part of the export: a day file, users.json, a JSONL line (`export.jsonl:12`)' }),
        message: Type.String(),
      }),
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'ImportJob' },
);
export type ImportJob = Static<typeof ImportJob>;

export const ImportResponse = Type.Object({ import: ImportJob }, { title: 'ImportResponse' });
export type ImportResponse = Static<typeof ImportResponse>;
