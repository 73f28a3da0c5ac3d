import { Parser } from 'htmlparser2';

/** What a page says about itself, for a link card. */
export interface PageMeta {
  title: string | null;
  description: string | null;
  siteName: string | null;
  /** The picture it names (absolute), not fetched. */
  image: URL | null;
}

const MAX_TITLE = 300;
const MAX_DESCRIPTION = 1000;

/**
 * Reads a page's OpenGraph tags first (`og:title`, `og:description`, `og:site_name`, `og:image`),
 * then Twitter's, then `<title>` and `<meta name="description">`. Only the head matters: parsing
 * ends at `<body>`. Text is whitespace-collapsed and cut to a card's length; the image URL is
 * resolved against the page's and kept only if it is http(s).
 */
export function readPageMeta(html: string, pageUrl: URL): PageMeta {
  const meta = new Map<string, string>();
  let title = '';
  let inTitle = false;
  let titleDone = false;
  let inBody = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (inBody) return;
        if (name === 'body') inBody = true;
        else if (name === 'title' && !titleDone) inTitle = true;
        else if (name === 'meta') {
          const key = (attributes.property ?? attributes.name ?? '').toLowerCase();
          const content = attributes.content;
          // The first of each wins, as OpenGraph readers do.
          if (key !== '' && content !== undefined && !meta.has(key)) meta.set(key, content);
        }
      },
      ontext(text) {
        if (inTitle && !inBody) title += text;
      },
      onclosetag(name) {
        if (name === 'title' && inTitle) {
          inTitle = false;
          titleDone = true;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  const pick = (...keys: string[]) => keys.map((k) => clean(meta.get(k))).find((v) => v !== null) ?? null;
  return {
    title: cut(pick('og:title', 'twitter:title') ?? clean(title), MAX_TITLE),
    description: cut(pick('og:description', 'twitter:description', 'description'), MAX_DESCRIPTION),
    siteName: cut(pick('og:site_name', 'application-name'), MAX_TITLE),
    image: absoluteHttp(pick('og:image', 'og:image:url', 'og:image:secure_url', 'twitter:image', 'twitter:image:src'), pageUrl),
  };
}

function clean(text: string | undefined): string | null {
  const collapsed = (text ?? '').replace(/\s+/g, ' ').trim();
  return collapsed === '' ? null : collapsed;
}

function cut(text: string | null, max: number): string | null {
  if (text === null || text.length <= max) return text;
  return `${[...text].slice(0, max - 1).join('')}…`;
}

function absoluteHttp(value: string | null, base: URL): URL | null {
  if (value === null) return null;
  try {
    const url = new URL(value, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** The charset a Content-Type names, when TextDecoder knows it; UTF-8 otherwise. */
export function decodeHtml(body: Buffer, contentType: string): string {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
