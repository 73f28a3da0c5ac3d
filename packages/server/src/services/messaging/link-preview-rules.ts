import type { LinkPreview } from '@confab/protocol';
import type { LinkPreviewRecord, MessagePatch, MessageRecord } from '../../store/store.js';

/**
 * Link previews' rules (issue 37), pure: which link of a body is previewed, and how a fetched card
 * or the sender's removal changes a message, decided from the message as stored inside the
 * change's transaction, so a card fetched for a link the body no longer has is never stored.
 */

/** What a fetch found for a URL, ready to store (the image already in the blob store). */
export interface FetchedCard {
  title: string;
  description: string | null;
  siteName: string;
  imageKey: string | null;
}

const MAX_URL_LENGTH = 2048;
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`]+/i;

/**
 * The first http(s) URL of a body, without the punctuation that ends a sentence around it
 * (`(see https://x.example/a).` → `https://x.example/a`); null when there is none.
 */
export function firstUrl(body: string): string | null {
  const match = URL_IN_TEXT.exec(body);
  if (!match) return null;
  let text = match[0];
  for (;;) {
    const last = text.at(-1) ?? '';
    const unbalanced = (open: string, close: string) => last === close && text.split(open).length - 1 < text.split(close).length - 1;
    if (/[.,;:!?*_~]/.test(last) || unbalanced('(', ')') || unbalanced('[', ']') || unbalanced('{', '}')) text = text.slice(0, -1);
    else break;
  }
  if (text.length > MAX_URL_LENGTH) return null;
  try {
    const url = new URL(text);
    return url.hostname === '' ? null : text;
  } catch {
    return null;
  }
}

/** The link a message's preview should be of: a live text message's first URL, else null. */
export function previewTarget(message: MessageRecord): string | null {
  if (message.deletedAt !== null || message.kind !== 'text') return null;
  return firstUrl(message.body);
}

/** Whether the message needs a fetch now: it has a link, and no card or removal for that link. */
export function needsFetch(message: MessageRecord): string | null {
  const url = previewTarget(message);
  return url !== null && message.preview?.url !== url ? url : null;
}

/**
 * The change a fetch for `url` makes: its card (or, when nothing could be fetched, no card
 * left for an older link). Nothing when the body has moved on to another link (or none), the
 * message is gone, or the sender removed this link's preview meanwhile.
 */
export function decideCard(current: MessageRecord, url: string, card: FetchedCard | null): MessagePatch | null {
  if (previewTarget(current) !== url) return null;
  if (current.preview?.url === url && 'removed' in current.preview) return null;
  if (card === null) return current.preview === undefined ? null : { content: { preview: undefined } };
  return { content: { preview: { url, ...card } } };
}

/** An edit took the link out of the body: the card (or the removal remembered) goes. */
export function decideLinkGone(current: MessageRecord): MessagePatch | null {
  return current.preview === undefined || previewTarget(current) !== null ? null : { content: { preview: undefined } };
}

/**
 * The sender's removal: the preview of the body's link (shown, or still being fetched) is marked
 * removed, so it shows as null and that link is not fetched again. Nothing without a link, or
 * when already removed.
 */
export function decideRemoval(current: MessageRecord): MessagePatch | null {
  const url = current.preview?.url ?? previewTarget(current);
  if (url === null || (current.preview && 'removed' in current.preview)) return null;
  return { content: { preview: { url, removed: true } } };
}

/** The blob an image of `url`'s card is kept under: per message and link, so a newer fetch never overwrites an older one's. */
export function imageKeyFor(messageId: string, version: string): string {
  return `link-preview-${messageId}-${version}`;
}

/** The version part of an image key (what the image URL carries as `v`). */
export function imageVersionOf(imageKey: string): string {
  return imageKey.slice(imageKey.lastIndexOf('-') + 1);
}

/** What a reader sees: the card with the image as a Confab URL; null once removed. */
export function previewView(messageId: string, record: LinkPreviewRecord): LinkPreview | null {
  if ('removed' in record) return null;
  return {
    url: record.url,
    title: record.title,
    description: record.description,
    siteName: record.siteName,
    image: record.imageKey === null ? null : `/api/v1/messages/${messageId}/preview/image?v=${imageVersionOf(record.imageKey)}`,
  };
}
