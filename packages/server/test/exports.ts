import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import yazl from 'yazl';

/** Exports for the import tests, built by the tests themselves (yazl writes the zip). */

export type ZipFiles = Record<string, string | Buffer>;

export async function writeZip(path: string, files: ZipFiles): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), name);
  zip.end();
  await finished(zip.outputStream.pipe(createWriteStream(path)));
}

const ts = (seconds: number, micros = 0) => `${seconds}.${String(micros).padStart(6, '0')}`;
export const DAY1 = 1_704_103_200; // 2024-01-01T10:00:00Z

/**
 * A Slack workspace export: three people (one with a Unicode name, one whose address an account
 * here verified), a public channel with a topic, a private channel and a DM; a thread across two
 * days, reactions, an edit, a pin, a file in `__uploads`, Slack markup, and a malformed day file.
 */
export function slackExport(existingEmail: string): ZipFiles {
  const json = (value: unknown) => JSON.stringify(value);
  return {
    'users.json': json([
      { id: 'U1', name: 'alice.s', real_name: 'Alice', profile: { email: existingEmail, display_name: 'Alice' } },
      { id: 'U2', name: 'zoë', profile: { real_name: 'Zoë Ångström', email: 'zoe@import.test' } },
      { id: 'U3', name: 'bob', profile: { real_name: 'Bob', email: 'bob@import.test' } },
    ]),
    'channels.json': json([
      {
        id: 'C1',
        name: 'général',
        created: DAY1 - 86400,
        creator: 'U1',
        members: ['U1', 'U2', 'U3'],
        topic: { value: 'Tout le monde ☕' },
      },
    ]),
    'groups.json': json([{ id: 'G1', name: 'secret', created: DAY1 - 86400, creator: 'U2', members: ['U1', 'U2'] }]),
    'dms.json': json([{ id: 'D1', created: DAY1 - 86400, members: ['U1', 'U3'] }]),
    'mpims.json': json([]),
    'général/2024-01-01.json': json([
      // Out of order on purpose: the import sorts a day by ts.
      { type: 'message', user: 'U3', text: 'a reply', ts: ts(DAY1 + 120), thread_ts: ts(DAY1 + 60) },
      {
        type: 'message',
        user: 'U1',
        text: 'hi <@U2>, see <https://x.io/a?b=1&amp;c=2|the doc> in <#C1|général> *now*',
        ts: ts(DAY1),
        reactions: [{ name: '+1', users: ['U2', 'U3'], count: 2 }],
        pinned_to: ['C1'],
      },
      {
        type: 'message',
        user: 'U2',
        text: 'a thread (edited)',
        ts: ts(DAY1 + 60),
        thread_ts: ts(DAY1 + 60),
        reply_count: 2,
        edited: { user: 'U2', ts: ts(DAY1 + 90) },
      },
      { type: 'message', subtype: 'channel_join', user: 'U3', text: '<@U3> has joined the channel', ts: ts(DAY1 + 130) },
      {
        type: 'message',
        user: 'U3',
        text: 'the notes',
        ts: ts(DAY1 + 180),
        files: [{ id: 'F1', name: 'notes.txt', mimetype: 'text/plain' }],
      },
    ]),
    'général/2024-01-02.json': '[{"type": "message", "user": "U1", "text": "cut off',
    'général/2024-01-03.json': json([
      { type: 'message', user: 'U1', text: 'late reply', ts: ts(DAY1 + 2 * 86400), thread_ts: ts(DAY1 + 60) },
    ]),
    'secret/2024-01-01.json': json([{ type: 'message', user: 'U2', text: 'private ~words~', ts: ts(DAY1 + 5) }]),
    'D1/2024-01-01.json': json([{ type: 'message', user: 'U3', text: 'just us', ts: ts(DAY1 + 7) }]),
    '__uploads/F1/notes.txt': 'the notes, in the export\n',
  };
}

/** A Mattermost bulk export (JSONL): a channel, two people, a post with a reply and reactions, a DM, a line that is not JSON. */
export function mattermostExport(): string {
  const t = DAY1 * 1000;
  return [
    { type: 'version', version: 1 },
    { type: 'team', team: { name: 'acme', display_name: 'Acme', type: 'O' } },
    { type: 'channel', channel: { team: 'acme', name: 'town-square', display_name: 'Town Square', type: 'O', header: 'Everyone' } },
    {
      type: 'user',
      user: {
        username: 'maria',
        email: 'maria@mm.test',
        first_name: 'María',
        teams: [{ name: 'acme', channels: [{ name: 'town-square' }] }],
      },
    },
    {
      type: 'user',
      user: { username: 'kenji', email: 'kenji@mm.test', nickname: '健二', teams: [{ name: 'acme', channels: [{ name: 'town-square' }] }] },
    },
    {
      type: 'post',
      post: {
        team: 'acme',
        channel: 'town-square',
        user: 'maria',
        message: 'hello @kenji',
        create_at: t,
        is_pinned: true,
        reactions: [{ user: 'kenji', emoji_name: 'tada', create_at: t + 5 }],
        replies: [{ user: 'kenji', message: 'hi!', create_at: t + 10, edit_at: t + 20 }],
      },
    },
    'not json at all',
    { type: 'direct_channel', direct_channel: { members: ['maria', 'kenji'] } },
    { type: 'direct_post', direct_post: { channel_members: ['maria', 'kenji'], user: 'kenji', message: 'a DM', create_at: t + 30 } },
  ]
    .map((line) => (typeof line === 'string' ? line : JSON.stringify(line)))
    .join('\n');
}
