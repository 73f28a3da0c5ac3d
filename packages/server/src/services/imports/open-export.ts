import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { ImportSource } from '../../store/store.js';
import type { ImportItem, MarkupConverter } from './import-model.js';
import { ZipArchive } from './zip-archive.js';
import { readSlackExport } from './slack-export.js';
import { convertSlackMarkup } from './slack-markup.js';
import { convertMattermostMarkup, readMattermostExport } from './mattermost-export.js';

export interface OpenedExport {
  items: AsyncIterable<ImportItem>;
  convert: MarkupConverter;
  close(): void;
}

/**
 * Opens an export file for its reader: a Slack export is a zip; a Mattermost bulk export is a
 * JSONL file, or a zip holding one (with the attachments beside it, as `mmctl export` writes).
 */
export async function openExport(source: ImportSource, path: string, name: string): Promise<OpenedExport> {
  if (source === 'slack') {
    const zip = await ZipArchive.open(path);
    return { items: readSlackExport(zip), convert: convertSlackMarkup, close: () => zip.close() };
  }
  if (await isZip(path)) {
    const zip = await ZipArchive.open(path);
    const jsonl = [...zip.entries.keys()].find((name) => name.endsWith('.jsonl'));
    if (!jsonl) {
      zip.close();
      throw new Error('the zip holds no .jsonl file: not a Mattermost bulk export');
    }
    const base = jsonl.includes('/') ? jsonl.slice(0, jsonl.lastIndexOf('/') + 1) : '';
    return {
      items: readMattermostExport(lines(await zip.stream(jsonl)), jsonl, (name) =>
        zip.entries.has(base + name) ? () => zip.stream(base + name) : undefined,
      ),
      convert: convertMattermostMarkup,
      close: () => zip.close(),
    };
  }
  const stream = createReadStream(path);
  return {
    items: readMattermostExport(lines(stream), name, () => undefined),
    convert: convertMattermostMarkup,
    close: () => stream.destroy(),
  };
}

function lines(stream: Readable): AsyncIterable<string> {
  return createInterface({ input: stream, crlfDelay: Infinity });
}

async function isZip(path: string): Promise<boolean> {
  const stream = createReadStream(path, { start: 0, end: 3 });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
}
