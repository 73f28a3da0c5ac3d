/**
 * A child process of the idle phase: opens the sockets it is given (one JSON line on standard
 * input: `{"urls": [...], "concurrency": n}`) with the minimal client, answers the server's pings,
 * counts the frames it receives, and holds them until its standard input closes. It reports on
 * standard output: `opened <n>` as it goes, then `ready <n>`, and `frames <n>` before it exits.
 * A process of its own because one process may hold 20,000 file descriptors here.
 */
import { type BenchSocket, closeSockets, openSocket } from './sockets.js';
import { mapPool } from './stats.js';

async function main(): Promise<void> {
  let input = '';
  let sockets: BenchSocket[] = [];
  let frames = 0;
  const onFrame = () => {
    frames += 1;
  };
  const started = new Promise<{ urls: string[]; concurrency: number }>((resolve) => {
    process.stdin.on('data', (chunk: Buffer) => {
      input += chunk.toString('utf8');
      const end = input.indexOf('\n');
      if (end >= 0) resolve(JSON.parse(input.slice(0, end)) as { urls: string[]; concurrency: number });
    });
  });
  // The parent closing our standard input (or dying) is the end.
  process.stdin.on('end', () => {
    void closeSockets(sockets, 2000).then(() => {
      process.stdout.write(`frames ${frames}\n`);
      process.exit(0);
    });
  });
  const { urls, concurrency } = await started;
  let opened = 0;
  sockets = await mapPool(urls, concurrency, async (url) => {
    const socket = await openSocket(url, 'lite', { timeoutMs: 60_000, onFrame });
    opened += 1;
    if (opened % 500 === 0) process.stdout.write(`opened ${opened}\n`);
    return socket;
  });
  process.stdout.write(`ready ${sockets.length}\n`);
}

main().catch((error: unknown) => {
  process.stdout.write(`failed ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
