import { useEffect, useState } from 'react';
import { ChevronLeft, ChevronRight, Download } from 'lucide-react';
import { PersonName } from '../../components/PersonName.js';
import { RichText } from '../../components/RichText.js';
import { formatDay, formatTime } from '../../components/time.js';
import { Dialog } from '../../components/ui/index.js';
import { useApp } from '../../state/AppContext.js';
import type { GalleryImage } from './gallery.js';
import { useFileUrl } from './file-urls.js';
import './lightbox.css';

/**
 * An image full screen (issue 36 item 3), in the fullscreen Dialog (focus trapped, Escape
 * closes, focus back to the thumbnail): the whole image, its caption, who sent it and when, a
 * download, and ← / → (or the buttons) through the conversation's images loaded so far. Loaded
 * lazily: the first screen's JavaScript does not carry it.
 */
export default function Lightbox({
  images,
  start,
  onClose,
  returnFocus,
}: {
  images: readonly GalleryImage[];
  start: number;
  onClose: () => void;
  /** The control focus goes back to on closing, found again then (its row may have been drawn anew meanwhile). */
  returnFocus: () => HTMLElement | null;
}) {
  const { client } = useApp();
  const [index, setIndex] = useState(start);
  const image = images[index];
  const file = useFileUrl(client, image?.attachment.id ?? '', 'file', image !== undefined);
  // ← and → wherever focus is in the dialog (its Close button too, which sits outside the body).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
      event.preventDefault();
      const by = event.key === 'ArrowLeft' ? -1 : 1;
      setIndex((at) => Math.min(images.length - 1, Math.max(0, at + by)));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [images.length]);
  if (!image) return null;
  const { attachment, message } = image;
  const step = (by: number) => setIndex((at) => Math.min(images.length - 1, Math.max(0, at + by)));
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={attachment.filename}
      variant="fullscreen"
      className="lightbox"
      onCloseAutoFocus={(event) => {
        const back = returnFocus();
        if (!back) return;
        event.preventDefault();
        back.focus();
      }}
    >
      <div className="lightbox-body">
        <div className="lightbox-stage">
          <button
            type="button"
            className="icon-button lightbox-prev"
            aria-label="Previous image"
            disabled={index === 0}
            onClick={() => step(-1)}
          >
            <ChevronLeft size={28} aria-hidden="true" />
          </button>
          {file.url ? (
            <img src={file.url} alt={attachment.filename} className="lightbox-image" />
          ) : (
            <p className="lightbox-loading">{file.failed ? 'The image could not be loaded.' : 'Loading…'}</p>
          )}
          <button
            type="button"
            className="icon-button lightbox-next"
            aria-label="Next image"
            disabled={index === images.length - 1}
            onClick={() => step(1)}
          >
            <ChevronRight size={28} aria-hidden="true" />
          </button>
        </div>
        <div className="lightbox-footer">
          <div className="lightbox-meta">
            {(message.body ?? '') !== '' && <RichText text={message.body ?? ''} />}
            <p>
              <PersonName userId={message.senderId} /> ·{' '}
              <time dateTime={message.createdAt}>
                {formatDay(message.createdAt)} {formatTime(message.createdAt)}
              </time>{' '}
              · {index + 1} of {images.length}
            </p>
          </div>
          {file.url && (
            <a className="button lightbox-download" href={file.url} download={attachment.filename}>
              <Download size={16} aria-hidden="true" /> Download
            </a>
          )}
        </div>
      </div>
    </Dialog>
  );
}
