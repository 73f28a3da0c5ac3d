import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/**
 * A zip read lazily (yauzl): the central directory's list of entries is read once, then each
 * entry's bytes only when asked for, one stream at a time. An export of gigabytes is never in
 * memory; only the names and offsets of its files are.
 */
export class ZipArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    /** Every file's entry by its path in the zip (folders left out). */
    readonly entries: ReadonlyMap<string, yauzl.Entry>,
  ) {}

  static async open(path: string): Promise<ZipArchive> {
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: false }, (error, file) =>
        error ? reject(error) : resolve(file),
      ),
    );
    const entries = new Map<string, yauzl.Entry>();
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith('/')) entries.set(entry.fileName, entry);
        zip.readEntry();
      });
      zip.once('end', () => resolve());
      zip.once('error', reject);
      zip.readEntry();
    });
    return new ZipArchive(zip, entries);
  }

  /** The entry's bytes as a stream (decompressed, its CRC checked at the end). */
  stream(name: string): Promise<Readable> {
    const entry = this.entries.get(name);
    if (!entry) return Promise.reject(new Error(`${name}: not in the archive`));
    return new Promise((resolve, reject) => this.zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream))));
  }

  /** A small entry's text (a JSON file of users or a day's messages), refused above `maxBytes`. */
  async text(name: string, maxBytes: number): Promise<string> {
    const entry = this.entries.get(name);
    if (entry && entry.uncompressedSize > maxBytes) throw new Error(`larger than ${maxBytes} bytes`);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.stream(name)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  close(): void {
    this.zip.close();
  }
}
