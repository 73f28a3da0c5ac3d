import type { ConfabClient } from '@confab/client';
import { MAX_ATTACHMENTS, type Upload } from '@confab/protocol';
import { describeError } from '../../components/errors.js';
import { ExternalStore } from '../../state/external-store.js';

/** One file picked or dropped: uploading (with progress), uploaded, or failed. */
export interface TrayItem {
  key: string;
  name: string;
  size: number;
  type: string;
  /** A local preview of an image, before and while it uploads. */
  previewUrl: string | null;
  loaded: number;
  total: number;
  status: 'uploading' | 'ready' | 'failed';
  upload?: Upload;
  error?: string;
}

/**
 * The files waiting to be sent in one conversation. Each starts uploading as soon as it is added
 * (progress from the SDK), so by the time the caption is written they are usually there; sending
 * takes the uploaded ones in the order added. Removing one aborts its upload.
 */
export class UploadTray extends ExternalStore<readonly TrayItem[]> {
  private readonly aborts = new Map<string, AbortController>();
  private next = 0;

  constructor(private readonly client: ConfabClient) {
    super([]);
  }

  /** Adds files; past MAX_ATTACHMENTS the rest are refused (returned). */
  add(files: Iterable<File>): File[] {
    const refused: File[] = [];
    for (const file of files) {
      if (this.getSnapshot().length >= MAX_ATTACHMENTS) {
        refused.push(file);
        continue;
      }
      const key = `f${this.next++}`;
      const previewUrl = file.type.startsWith('image/') ? URL.createObjectURL(file) : null;
      const item: TrayItem = {
        key,
        name: file.name,
        size: file.size,
        type: file.type,
        previewUrl,
        loaded: 0,
        total: file.size,
        status: 'uploading',
      };
      this.set([...this.getSnapshot(), item]);
      this.start(key, file);
    }
    return refused;
  }

  remove(key: string): void {
    this.aborts.get(key)?.abort();
    this.aborts.delete(key);
    const item = this.getSnapshot().find((i) => i.key === key);
    if (item?.previewUrl) URL.revokeObjectURL(item.previewUrl);
    this.set(this.getSnapshot().filter((i) => i.key !== key));
  }

  /** The uploads to send when every file is there; null while any is still uploading or failed. */
  readyUploads(): Upload[] | null {
    const items = this.getSnapshot();
    if (items.length === 0 || items.some((i) => i.status !== 'ready')) return null;
    return items.map((i) => i.upload!);
  }

  clear(): void {
    for (const item of this.getSnapshot()) this.remove(item.key);
  }

  private start(key: string, file: File): void {
    const abort = new AbortController();
    this.aborts.set(key, abort);
    this.client
      .upload(file, { signal: abort.signal, onProgress: ({ loaded, total }) => this.update(key, { loaded, total }) })
      .then(
        (upload) => this.update(key, { status: 'ready', upload, loaded: 1, total: 1 }),
        (error: unknown) => {
          if (!abort.signal.aborted) this.update(key, { status: 'failed', error: describeError(error) });
        },
      )
      .finally(() => this.aborts.delete(key));
  }

  private update(key: string, change: Partial<TrayItem>): void {
    this.set(this.getSnapshot().map((i) => (i.key === key ? { ...i, ...change } : i)));
  }
}
