import type { Attachment, Message } from '@confab/protocol';

/** An image a lightbox shows: the file and the message it came with (its caption, sender and time). */
export interface GalleryImage {
  attachment: Attachment;
  message: Message;
}

/** Images the app shows as pictures (an SVG could carry script; a file without dimensions was not read as an image). */
export const isPreviewable = (a: Attachment) => a.contentType.startsWith('image/') && a.contentType !== 'image/svg+xml' && a.width !== null;

/** The images of these messages (oldest first, each message's in order): what ← and → step through. */
export function galleryOf(messages: readonly Message[]): GalleryImage[] {
  return messages.flatMap((message) =>
    message.deletedAt === null ? (message.attachments ?? []).filter(isPreviewable).map((attachment) => ({ attachment, message })) : [],
  );
}
