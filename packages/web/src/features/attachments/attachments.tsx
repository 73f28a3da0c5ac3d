import { useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';
import type { ConfabClient } from '@confab/client';
import { MAX_ATTACHMENTS } from '@confab/protocol';
import { type ComposerContext, composerAddons, messageBodies } from '../messages/extensions.js';
import { AttachmentBody } from './AttachmentBody.js';
import { UploadTray } from './upload-tray-store.js';
import { formatBytes } from './file-urls.js';
import { FileText, X } from 'lucide-react';
import { FilePicker } from '../../components/FilePicker.js';

/**
 * Attachments: "Attach files" (a file picker), files dropped anywhere on the page while a
 * conversation is open, or files and images pasted into the message field. Each file uploads at once with a progress bar (images previewed
 * locally); "Send" sends them together with the caption as one `attachment` message. Received,
 * images show as thumbnails that open full size, other files as downloads.
 */
const trays = new Map<string, UploadTray>();
function trayFor(client: ConfabClient, conversationId: string): UploadTray {
  let tray = trays.get(conversationId);
  if (!tray) trays.set(conversationId, (tray = new UploadTray(client)));
  return tray;
}

composerAddons.push({ id: 'attachments', component: AttachControl, plainOnly: true });
messageBodies.attachment = AttachmentBody;

function AttachControl({ composer }: { composer: ComposerContext }) {
  const tray = trayFor(composer.services.client, composer.conversation.id);
  const items = useSyncExternalStore(tray.subscribe, tray.getSnapshot);
  const [notice, setNotice] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const add = (files: Iterable<File>) => {
    const refused = tray.add(files);
    setNotice(refused.length > 0 ? `At most ${MAX_ATTACHMENTS} files go in one message: ${refused.length} left out.` : null);
  };
  useDropTarget(add, setDragging);
  usePastedFiles(composer.field, add);
  return (
    <>
      <FilePicker inputLabel="Files to attach" onFiles={add} />
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop files to attach them
        </div>
      )}
      {(items.length > 0 || notice) && <Tray tray={tray} composer={composer} notice={notice} />}
    </>
  );
}

/** Files or images pasted into the message field go to the tray, as if attached; pasted text stays text. */
function usePastedFiles(field: ComposerContext['field'], add: (files: Iterable<File>) => void) {
  const addRef = useRef(add);
  useEffect(() => {
    addRef.current = add;
  });
  useEffect(() => {
    const element = field.current;
    if (!element) return;
    const paste = (e: ClipboardEvent) => {
      const files = e.clipboardData?.files;
      if (!files || files.length === 0) return;
      e.preventDefault();
      addRef.current(files);
    };
    element.addEventListener('paste', paste);
    return () => element.removeEventListener('paste', paste);
  }, [field]);
}

/** The whole page takes dropped files while this is mounted (the composer of the open conversation). */
function useDropTarget(add: (files: Iterable<File>) => void, setDragging: (on: boolean) => void) {
  const addRef = useRef(add);
  useEffect(() => {
    addRef.current = add;
  });
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth += 1;
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const over = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault(); // allows the drop
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      if (e.dataTransfer?.files.length) addRef.current(e.dataTransfer.files);
    };
    document.addEventListener('dragenter', enter);
    document.addEventListener('dragleave', leave);
    document.addEventListener('dragover', over);
    document.addEventListener('drop', drop);
    return () => {
      document.removeEventListener('dragenter', enter);
      document.removeEventListener('dragleave', leave);
      document.removeEventListener('dragover', over);
      document.removeEventListener('drop', drop);
    };
  }, [setDragging]);
}

function Tray({ tray, composer, notice }: { tray: UploadTray; composer: ComposerContext; notice: string | null }) {
  const items = useSyncExternalStore(tray.subscribe, tray.getSnapshot);
  const [caption, setCaption] = useState('');
  const captionId = useId();
  const ready = tray.readyUploads();
  const send = () => {
    if (!ready) return;
    composer.send(caption.trim() === '' ? undefined : caption, { kind: 'attachment', attachmentIds: ready.map((u) => u.id) });
    setCaption('');
    tray.clear();
  };
  return (
    <section className="upload-tray" aria-label="Files to send">
      {notice && <p role="status">{notice}</p>}
      <ul>
        {items.map((item) => (
          <li key={item.key} className="tray-item" data-status={item.status}>
            {item.previewUrl ? (
              <img src={item.previewUrl} alt="" className="tray-preview" />
            ) : (
              <span className="tray-icon" aria-hidden="true">
                <FileText aria-hidden="true" size={20} />
              </span>
            )}
            <span className="tray-name">
              <bdi>{item.name}</bdi> <span className="hint">{formatBytes(item.size)}</span>
            </span>
            {item.status === 'uploading' && <progress max={item.total || 1} value={item.loaded} aria-label={`Uploading ${item.name}`} />}
            {item.status === 'ready' && <span className="tray-done">Uploaded</span>}
            {item.status === 'failed' && (
              <span className="error" role="alert">
                {item.error}
              </span>
            )}
            <button type="button" onClick={() => tray.remove(item.key)} aria-label={`Remove ${item.name}`}>
              <X aria-hidden="true" size={14} />
            </button>
          </li>
        ))}
      </ul>
      {items.length > 0 && (
        <div className="tray-send">
          <label htmlFor={captionId}>Caption</label>
          <input
            id={captionId}
            dir="auto"
            value={caption}
            onChange={(e) => setCaption(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                send();
              }
            }}
          />
          <button type="button" className="primary" disabled={!ready} onClick={send}>
            {items.length === 1 ? 'Send file' : `Send ${items.length} files`}
          </button>
        </div>
      )}
    </section>
  );
}
