import type { SendOptions } from '@confab/client';
import type { ConversationSummary, Message } from '@confab/protocol';
import type { LucideIcon } from 'lucide-react';
import type { ComponentType, RefObject } from 'react';
import type { AppServices } from '../../state/AppContext.js';

/**
 * The extension points of a conversation. A feature adds itself by pushing an entry into one of
 * these lists from its own module, imported once by `features/index.ts`; nothing in the
 * message row, the composer or the conversation page changes for it.
 */

/** What a message row knows, handed to every extension of it. */
export interface MessageContext {
  message: Message;
  conversation: ConversationSummary;
  /** Sent by the signed-in user. */
  mine: boolean;
  services: AppServices;
  /** Opens a conversation panel (see `conversationPanels`), e.g. a thread: `openPanel('thread', message.id)`. */
  openPanel(panel: string, arg?: string): void;
}

/**
 * An action on a message (edit, delete, reply, react, pin, …). `placement: 'bar'` puts it in the
 * bar that appears when the message is hovered or focused (the few used most: React, Reply in
 * thread, Quote); the rest go in that bar's "More…" menu. On touch, a long press lists them all.
 */
export interface MessageAction {
  id: string;
  /** The visible label (in the menu) or tooltip (in the bar), and the accessible name either way. */
  label: string | ((context: MessageContext) => string);
  icon?: LucideIcon;
  placement?: 'bar' | 'menu';
  /** Shown only where this says so (e.g. only on my messages, only for admins). */
  available(context: MessageContext): boolean;
  /**
   * Only in a plain conversation: it needs the server to keep, read or copy content in clear (a
   * reaction's emoji, an edit's text, a forwarded copy, a report an admin reads), which an
   * encrypted conversation refuses or cannot give.
   */
  plainOnly?: boolean;
  run(context: MessageContext): void | Promise<void>;
}
export const messageActions: MessageAction[] = [];

/**
 * Something shown inside a message row, after its body: reactions, attachments, a thread's
 * reply count, "edited". `placement: 'before-body'` puts it above (a quoted reply).
 */
export interface MessageAddon {
  id: string;
  placement?: 'before-body' | 'after-body';
  component: ComponentType<{ context: MessageContext }>;
}
export const messageAddons: MessageAddon[] = [];

/** How a message kind other than text shows its content (`location`, `voice`, `attachment`); text is the default body. */
export const messageBodies: Partial<Record<Message['kind'], ComponentType<{ context: MessageContext }>>> = {};

/** What a composer add-on may do. */
export interface ComposerContext {
  conversation: ConversationSummary;
  services: AppServices;
  /** Sends a message through the offline-safe outbox; `links` as the SDK's SendOptions (attachments, reply, thread). */
  send(body: string | undefined, links?: SendOptions): void;
  /** The text being typed, and replacing it (mention autocomplete, emoji). */
  text: string;
  setText(text: string): void;
  /** The message field itself: its caret, and keys an add-on handles first (mention autocomplete). */
  field: RefObject<HTMLTextAreaElement | null>;
}

/** A control beside the message field (attach, record a voice note, share a location, …). */
export interface ComposerAddon {
  id: string;
  component: ComponentType<{ composer: ComposerContext }>;
  /**
   * Only in a plain conversation: it sends what the server keeps in clear (a voice note, a
   * plain file, a scheduled message), which an encrypted conversation refuses
   * (`400 encrypted_conversation`) until it is encrypted too.
   */
  plainOnly?: boolean;
  /** Only in an encrypted conversation: its twin for them (files encrypted on this device). */
  encryptedOnly?: boolean;
}

/** The add-ons or actions a conversation offers: an encrypted one leaves out those the server would refuse, a plain one the encrypted twins. */
export const offeredIn = <T extends { plainOnly?: boolean; encryptedOnly?: boolean }>(
  conversation: { encrypted: boolean },
  all: readonly T[],
): T[] => all.filter((item) => (conversation.encrypted ? item.plainOnly !== true : item.encryptedOnly !== true));
export const composerAddons: ComposerAddon[] = [];

/** Something shown above the message field (issue 40: reply chips); it renders nothing when it has nothing to offer. */
export const composerBanners: ComposerAddon[] = [];

/**
 * Links that go with the next message typed in the composer (a reply's `replyToId`): each is
 * asked when the text is sent, and told once it went.
 */
export interface ComposerDraftLink {
  links(conversationId: string): SendOptions | undefined;
  sent(conversationId: string): void;
}
export const composerDraftLinks: ComposerDraftLink[] = [];

/**
 * A side panel of a conversation, opened at `/c/:conversationId/:panel/:arg?` (a thread, the
 * pins, search results, the members). Esc and its close button return to the conversation.
 */
export interface ConversationPanel {
  id: string;
  title: string;
  component: ComponentType<{ conversation: ConversationSummary; arg: string | undefined; close(): void }>;
}
export const conversationPanels: ConversationPanel[] = [];

/** What a header action knows: the conversation, the app's services, whom I block, and how to open a panel. */
export interface HeaderContext {
  conversation: ConversationSummary;
  services: AppServices;
  blocked: { loaded: boolean; ids: ReadonlySet<string> };
  openPanel(panel: string, arg?: string): void;
}

/**
 * An action in the conversation's header (members, pins, search, mute, block, clear, …), as a
 * description: the header draws it as an icon button with a tooltip on a desktop and as an
 * entry of one "More" menu on a phone (HeaderActions.tsx), from this one entry.
 */
export interface HeaderAction {
  id: string;
  /** The tooltip or menu entry, and the accessible name either way (it says the state: "Unmute"). */
  label: string | ((context: HeaderContext) => string);
  icon: LucideIcon;
  /** Shown only where this says so (a group's members, a DM's block). */
  available?(context: HeaderContext): boolean;
  /** A toggle's state (muted, blocked): `aria-pressed` on the button. */
  pressed?(context: HeaderContext): boolean;
  /** A count on the button (threads with new replies); the label says it too. */
  badge?(context: HeaderContext): number;
  /** A question asked first (issue 36 item 10), or null to act at once. */
  confirm?(context: HeaderContext): { title: string; body: string; confirmLabel: string } | null;
  danger?: boolean;
  run(context: HeaderContext): void | Promise<void>;
}
export const conversationHeaderActions: HeaderAction[] = [];

/** Something shown above a conversation's timeline (issue 40: "Catch up" when many are unread); it renders nothing when it has nothing to say. */
export interface ConversationBanner {
  id: string;
  component: ComponentType<{ conversation: ConversationSummary }>;
}
export const conversationBanners: ConversationBanner[] = [];
