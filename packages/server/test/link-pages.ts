import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

/**
 * A local web site for link previews' tests, on 127.0.0.1: an OpenGraph page with a picture, a
 * page with only a <title>, redirects, a body that never ends and one that drips. It counts the
 * requests each path got, so a test can tell that a refused address was never reached.
 */
export class LinkPages {
  readonly hits = new Map<string, number>();
  /** Bytes the endless body had sent when the client hung up (it stops by itself at 10 GB). */
  endlessSent = 0;
  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  static async start(): Promise<LinkPages> {
    const picture = await sharp({ create: { width: 1200, height: 630, channels: 3, background: '#3366cc' } })
      .png()
      .toBuffer();
    const site: { pages?: LinkPages } = {};
    const server = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      const pages = site.pages!;
      pages.hits.set(url.pathname, pages.hitsOf(url.pathname) + 1);
      pages.serve(url, request, response, picture);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    site.pages = new LinkPages(server, (server.address() as AddressInfo).port);
    return site.pages;
  }

  /** A URL of this site under `host` (a name the test's resolver maps to 127.0.0.1, or an address form). */
  url(path: string, host = '127.0.0.1'): string {
    return `http://${host}:${String(this.port)}${path}`;
  }

  hitsOf(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(url: URL, request: http.IncomingMessage, response: http.ServerResponse, picture: Buffer): unknown {
    const html = (body: string) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    switch (url.pathname) {
      case '/og':
        return html(
          `<!doctype html><html><head><title>Plain title</title>
           <meta property="og:title" content="Confab &amp; friends">
           <meta property="og:description" content="A chat server   you host yourself.">
           <meta property="og:site_name" content="Confab Site">
           <meta property="og:image" content="/picture.png"></head><body><p>Hi</p></body></html>`,
        );
      case '/title-only':
        return html('<html><head><title>Just a title</title></head><body>No meta here</body></html>');
      case '/no-title':
        return html('<html><body>Nothing to show</body></html>');
      case '/picture.png':
        return response.writeHead(200, { 'content-type': 'image/png' }).end(picture);
      case '/redirect': {
        // ?to= the next URL, as given.
        return response.writeHead(302, { location: url.searchParams.get('to') ?? '/og' }).end();
      }
      case '/loop':
        return response.writeHead(302, { location: '/loop' }).end();
      case '/endless':
        return this.endless(request, response);
      case '/drip':
        return this.drip(request, response);
      default:
        return response.writeHead(404).end();
    }
  }

  /** A title, then padding without end (until the client hangs up, or 10 GB). */
  private endless(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunk = Buffer.alloc(64 * 1024, ' ');
    this.endlessSent = 0;
    response.writeHead(200, { 'content-type': 'text/html' });
    response.write('<html><head><title>Endless</title>');
    let closed = false;
    request.socket.on('close', () => (closed = true));
    const pump = () => {
      while (!closed && this.endlessSent < 10 * 1024 ** 3) {
        this.endlessSent += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
      response.end();
    };
    pump();
  }

  /** A byte every 50 ms, for at most a minute. */
  private drip(request: http.IncomingMessage, response: http.ServerResponse): void {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.write('<html><head><title>Drip</title>');
    let sent = 0;
    const timer = setInterval(() => {
      if (sent++ > 1200) return void response.end();
      response.write(' ');
    }, 50);
    request.socket.on('close', () => clearInterval(timer));
    response.on('close', () => clearInterval(timer));
  }
}
