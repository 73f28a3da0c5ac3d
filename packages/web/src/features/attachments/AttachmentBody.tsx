import type { Attachment } from '@confab/protocol';
import { RichText } from '../../components/RichText.js';
import { describeError } from '../../components/errors.js';
import type { MessageContext } from '../messages/extensions.js';
import { fileUrl, formatBytes, useFileUrl } from './file-urls.js';
import { Suspense, lazy, useRef, useState } from 'react';
import { Download } from 'lucide-react';
import { activeTimeline } from '../../state/active-timelines.js';
import { type GalleryImage, galleryOf, isPreviewable } from './gallery.js';

// Its own chunk, fetched on the first click of an image: the first load stays small.
const Lightbox = lazy(() => import('./Lightbox.js'));

/** An attachment message: its caption, then each file — an image as its thumbnail (opening full size), anything else as a download. */
export function AttachmentBody({ context }: { context: MessageContext }) {
  const { message } = context;
  return (
    <div className="attachment-body">
      {(message.body ?? '') !== '' && <RichText text={message.body ?? ''} />}
      <ul className="attachments">
        {(message.attachments ?? []).map((a) => (
          <li key={a.id}>
            {isPreviewable(a) ? <ImageAttachment attachment={a} context={context} /> : <FileAttachment attachment={a} context={context} />}
          </li>
        ))}
      </ul>
    </div>
  );
}

function ImageAttachment({ attachment, context }: { attachment: Attachment; context: MessageContext }) {
  const { client } = context.services;
  const thumbnail = useFileUrl(client, attachment.id, 'thumbnail');
  const scale = Math.min(1, 320 / Math.max(attachment.width ?? 320, attachment.height ?? 320));
  // The conversation's images loaded so far (← and → go through them); this one alone in a thread panel or a search hit.
  const [gallery, setGallery] = useState<{ images: GalleryImage[]; start: number } | null>(null);
  const opener = useRef<HTMLButtonElement>(null);
  // The same thumbnail in the timeline, the thread panel or a search hit: the one that opened it if still shown.
  const returnFocus = () =>
    opener.current?.isConnected
      ? opener.current
      : document.querySelector<HTMLElement>(`[data-opens-attachment="${CSS.escape(attachment.id)}"]`);
  const open = () => {
    const images = galleryOf(activeTimeline(context.message.conversationId)?.getSnapshot().messages ?? []);
    const start = images.findIndex((image) => image.attachment.id === attachment.id);
    setGallery(start === -1 ? { images: [{ attachment, message: context.message }], start: 0 } : { images, start });
  };
  return (
    <figure className="image-attachment">
      <button
        ref={opener}
        type="button"
        className="image-open"
        onClick={open}
        data-opens-attachment={attachment.id}
        aria-label={`Open ${attachment.filename} full size`}
      >
        {thumbnail.url ? (
          <img
            src={thumbnail.url}
            alt={attachment.filename}
            width={Math.round((attachment.width ?? 320) * scale)}
            height={Math.round((attachment.height ?? 320) * scale)}
          />
        ) : (
          <span className="image-placeholder">{thumbnail.failed ? 'Preview unavailable' : 'Loading preview…'}</span>
        )}
      </button>
      <figcaption className="hint">
        <bdi>{attachment.filename}</bdi> · {attachment.width}×{attachment.height} · {formatBytes(attachment.size)}
      </figcaption>
      {gallery && (
        <Suspense fallback={null}>
          <Lightbox images={gallery.images} start={gallery.start} onClose={() => setGallery(null)} returnFocus={returnFocus} />
        </Suspense>
      )}
    </figure>
  );
}

function FileAttachment({ attachment, context }: { attachment: Attachment; context: MessageContext }) {
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    try {
      const link = document.createElement('a');
      link.href = await fileUrl(context.services.client, attachment.id, 'file');
      link.download = attachment.filename;
      link.click();
    } catch (caught) {
      setError(describeError(caught));
    }
  };
  return (
    <div className="file-attachment">
      <button type="button" onClick={() => void download()}>
        <Download aria-hidden="true" size={14} className="inline-icon" /> Download <bdi>{attachment.filename}</bdi> (
        {formatBytes(attachment.size)})
      </button>
      {error && <p className="error">{error}</p>}
    </div>
  );
}
