import { useEffect, useState } from 'react';
import { X } from 'lucide-react';
import type { ConfabClient } from '@confab/client';
import type { LinkPreview } from '@confab/protocol';
import { useAction } from '../../components/useAction.js';
import { IconButton } from '../../components/ui/IconButton.js';
import { type MessageContext, messageAddons } from '../messages/extensions.js';
import './link-previews.css';

/**
 * Link previews (issue 37): the card of a message's first link (title, description, site,
 * thumbnail), which the server adds shortly after the send through `message.updated`. The
 * sender's X removes it for everyone. The card is a link to the page itself.
 */
messageAddons.push({ id: 'link-preview', component: LinkCard });

function LinkCard({ context }: { context: MessageContext }) {
  const { message, mine, services } = context;
  const remove = useAction(() => services.client.messages.removePreview(message.id));
  const preview = message.preview;
  if (!preview || message.deletedAt !== null) return null;
  return (
    <div className="link-card">
      <a className="link-card-body" href={preview.url} target="_blank" rel="noopener noreferrer nofollow">
        <span className="link-card-text">
          <span className="link-card-site">{preview.siteName}</span>
          <span className="link-card-title">{preview.title}</span>
          {preview.description !== null && <span className="link-card-description">{preview.description}</span>}
        </span>
        {preview.image !== null && <Thumbnail client={services.client} preview={preview} />}
      </a>
      {mine && (
        <IconButton
          className="link-card-remove"
          label="Remove preview"
          icon={<X size={16} aria-hidden />}
          disabled={remove.busy}
          onClick={() => void remove.run()}
        />
      )}
      {remove.error !== null && (
        <p className="link-card-error" role="alert">
          {remove.error}
        </p>
      )}
    </div>
  );
}

/** Pictures are served only with the bearer token: downloaded once per image URL, shown from a `blob:` URL. */
const images = new Map<string, Promise<string>>();

function imageUrl(client: ConfabClient, path: string): Promise<string> {
  let url = images.get(path);
  if (!url) {
    url = client.messages.previewImage(path).then(async (r) => URL.createObjectURL(await r.blob()));
    url.catch(() => images.delete(path));
    images.set(path, url);
  }
  return url;
}

function Thumbnail({ client, preview }: { client: ConfabClient; preview: LinkPreview }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    imageUrl(client, preview.image!).then(
      (url) => current && setSrc(url),
      () => current && setSrc(null),
    );
    return () => {
      current = false;
    };
  }, [client, preview.image]);
  // Decorative: the title beside it says what the page is.
  return src === null ? <span className="link-card-image placeholder" aria-hidden /> : <img className="link-card-image" src={src} alt="" />;
}
