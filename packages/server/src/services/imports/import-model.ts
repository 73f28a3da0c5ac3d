import type { Readable } from 'node:stream';

/**
 * What an export reader (slack-export.ts, mattermost-export.ts) hands the writer
 * (import-writer.ts), whatever the source: people, conversations, then each conversation's
 * messages a file (a Slack day) or a slice (Mattermost posts) at a time, in time order. Ids are
 * the export's own; the writer maps them.
 */
export type ImportItem =
  | { type: 'users'; users: ImportedUser[] }
  | { type: 'conversation'; conversation: ImportedConversation }
  | { type: 'messages'; conversationId: string; file: string; messages: ImportedMessage[] }
  /** A part of the export that could not be read: reported, and nothing of it written. */
  | { type: 'error'; file: string; message: string };

export interface ImportedUser {
  id: string;
  /** The name people know them by in the source (a Slack handle, a Mattermost username). */
  username: string;
  displayName: string;
  email: string | null;
}

export interface ImportedConversation {
  id: string;
  kind: 'group' | 'direct';
  /** A group's name (a channel's, or a group DM's members' names). */
  title: string | null;
  /** The channel's topic (or purpose). */
  description: string | null;
  creatorId: string | null;
  memberIds: string[];
  createdAt: number;
}

export interface ImportedMessage {
  /** Unique within its conversation (Slack's `ts`, Mattermost's derived key): the message's idempotency key. */
  key: string;
  senderId: string;
  /** Epoch ms. */
  sentAt: number;
  /** The text in the source's markup; `convert` turns it into Confab's Markdown. */
  text: string;
  /** The key of the thread's root when this is a reply. */
  rootKey: string | null;
  /** When the latest edit was made (epoch ms); the text is the latest one. */
  editedAt: number | null;
  reactions: { emoji: string; userIds: string[] }[];
  pinned: boolean;
  files: ImportedFile[];
}

export interface ImportedFile {
  id: string;
  name: string;
  /** The file's bytes, when the export holds them; undefined when it only links to them. */
  open: (() => Promise<Readable>) | undefined;
}

/** Turns a source's markup into Confab's Markdown and mentions, given how exported ids resolve here. */
export type MarkupConverter = (text: string, names: NameLookup) => { body: string; mentionIds: string[] };

export interface NameLookup {
  /** The local user of an exported user id: id and username. */
  user(externalId: string): { id: string; username: string } | undefined;
  /** The local user of a username in the source. */
  userByName(username: string): { id: string; username: string } | undefined;
  /** An exported channel's name (for `<#C123>` without its label). */
  channelName(externalId: string): string | undefined;
}
