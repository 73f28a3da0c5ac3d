import net from 'node:net';

/**
 * A TCP relay to another host:port that can cut, black-hole and restore the connections it
 * carries, to play a network fault between clients and a server without touching either. Shared
 * by the server's tests (packages/server/test/tcp-proxy.ts re-exports it) and `npm run faults`.
 *
 * - `cut()`: every relayed connection is reset and new ones are refused; `restore()` listens again
 *   on the same port (a reconnect storm, a database behind a flaky network).
 * - `blackhole()`: the relayed connections stay open but nothing crosses them, either way, and no
 *   FIN or RST reaches the client, as with a peer whose network vanished; `heal()` lets the
 *   buffered bytes through again (and then the close, if the server ended its side meanwhile).
 */
interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  /** The server ended its side while the pair was black-holed: end the client at heal. */
  upstreamGone: boolean;
}

export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private server: net.Server | undefined;
  private holed = false;

  private constructor(
    private readonly target: { host: string; port: number },
    public port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target, 0);
    await proxy.restore();
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Connections being relayed now. */
  get connections(): number {
    return this.pairs.size;
  }

  /** Listens again (on the same port once it has one). */
  async restore(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((client) => this.relay(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Refuses new connections and resets the open ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const pair of this.pairs) {
      pair.client.resetAndDestroy();
      pair.upstream.resetAndDestroy();
    }
    this.pairs.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Stops every byte in both directions on the open connections (and on new ones) until `heal`. */
  blackhole(): void {
    this.holed = true;
    for (const pair of this.pairs) hold(pair);
  }

  /** Lets the held bytes through; a pair whose server side ended meanwhile is then ended. */
  heal(): void {
    this.holed = false;
    for (const pair of this.pairs) {
      if (pair.upstreamGone) {
        // The server reset its side while the hole lasted (a FIN would have waited in the paused
        // socket): what it had sent is gone with it, so the client is just told the connection ended.
        this.pairs.delete(pair);
        pair.client.destroy();
      } else flow(pair);
    }
  }

  close(): Promise<void> {
    return this.cut();
  }

  private relay(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    const pair: Pair = { client, upstream, upstreamGone: false };
    this.pairs.add(pair);
    client.on('error', () => {}); // a reset is the point of cut(); each side just closes
    upstream.on('error', () => {});
    client.on('close', () => {
      this.pairs.delete(pair);
      upstream.destroy();
    });
    upstream.on('close', () => {
      if (this.holed && this.pairs.has(pair)) {
        pair.upstreamGone = true; // no FIN to the client while the hole lasts
        return;
      }
      this.pairs.delete(pair);
      client.destroy();
    });
    if (this.holed) hold(pair);
    else flow(pair);
  }
}

function flow(pair: Pair): void {
  pair.client.pipe(pair.upstream);
  pair.upstream.pipe(pair.client);
}

function hold(pair: Pair): void {
  pair.client.unpipe(pair.upstream);
  pair.upstream.unpipe(pair.client);
  pair.client.pause();
  pair.upstream.pause();
}
