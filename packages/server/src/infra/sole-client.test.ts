import { once } from 'node:events';
import { type AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { SoleClient } from './sole-client.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A SoleClient on a clock the test moves. */
function onClock() {
  const clock = { ms: 1000 };
  return { clock, sole: new SoleClient(5, () => clock.ms) };
}

describe('SoleClient', () => {
  it('is alone once one connection has sent everything for the window, one request at a time', () => {
    const { clock, sole } = onClock();
    expect(sole.alone()).toBe(true); // nobody yet
    const a = {};
    sole.begin(a);
    expect(sole.alone()).toBe(false); // a has just arrived
    clock.ms += 5;
    expect(sole.alone()).toBe(true);
    sole.end();
    sole.begin(a);
    expect(sole.alone()).toBe(true); // the same connection again
    // Two of its requests at once (a socket's window of frames): the second waits behind a flush.
    sole.begin(a);
    expect(sole.alone()).toBe(false);
    sole.end();
    expect(sole.alone()).toBe(true);
  });

  it('is not alone for the window after any other connection sends', () => {
    const { clock, sole } = onClock();
    const [a, b] = [{}, {}];
    sole.begin(a);
    clock.ms += 10;
    sole.end();
    sole.begin(b);
    sole.end();
    sole.begin(a);
    clock.ms += 4;
    expect(sole.alone()).toBe(false);
    clock.ms += 1;
    expect(sole.alone()).toBe(true);
  });

  it('counts an HTTP request from its arrival until its response closes, by its socket', async () => {
    const { clock, sole } = onClock();
    const answers: (() => void)[] = [];
    const server = createServer((_request, response) => answers.push(() => response.end('ok')));
    sole.watch(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const arrived = async (count: number) => {
      while (answers.length < count) await new Promise((r) => setTimeout(r, 1));
    };

    const first = fetch(url);
    await arrived(1);
    clock.ms += 5;
    expect(sole.alone()).toBe(true);
    // A second client's request while the first is being handled.
    const second = fetch(url, { headers: { connection: 'close' } });
    await arrived(2);
    clock.ms += 5;
    expect(sole.alone()).toBe(false); // two being handled
    answers[0]!();
    answers[1]!();
    await Promise.all([(await first).text(), (await second).text()]);
    // The responses' close events follow their last bytes.
    for (let i = 0; i < 2000 && !sole.alone(); i++) await new Promise((r) => setTimeout(r, 1));
    expect(sole.alone()).toBe(true);
    sole.begin({});
    expect(sole.alone()).toBe(false); // nothing left counted: only the newcomer is handled
    clock.ms += 5;
    expect(sole.alone()).toBe(true);
  });
});
