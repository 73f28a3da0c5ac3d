/**
 * `--import` preload for the Confab server process: stamps each REST send (`POST …/messages`) on
 * its way through the server and writes `timelineReport` of the last 4,000 when the process exits,
 * to $CONFAB_SEND_TIMELINE_FILE or /tmp/confab-send-timeline-<pid>.txt. Meant for one sequential
 * sender (the commit and flush are credited to the send being handled):
 *
 *   npm run build
 *   NODE_ARGS="--import=./bench/dist/profiling/send-timeline-preload.js" node bench/fresh-server-rounds.mjs rest 4000 3
 *
 * The stamps cost a few microseconds a send; compare figures taken with it to each other.
 */
import { writeFileSync } from 'node:fs';
import { Server, type ServerResponse } from 'node:http';
import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import { type SendStamps, timelineReport } from './send-timeline.js';

const KEPT = 200_000;

if (isMainThread) {
  // The very module the server loads (one ES module per URL).
  const walSync = new URL('../../../packages/server/dist/store/sqlite/wal-sync.js', import.meta.url).href;
  const { WalSync } = (await import(walSync)) as { WalSync: { prototype: { sync(): Promise<void> } } };
  const now = () => performance.now() * 1000;
  const sends: SendStamps[] = [];
  let current: SendStamps | undefined;
  let sinceAnswer: EventLoopUtilization | undefined;

  const emit = Server.prototype.emit;
  Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]) {
    const [request, response] = args as [{ method?: string; url?: string }, ServerResponse];
    if (event === 'request' && request.method === 'POST' && request.url?.endsWith('/messages')) {
      const send: SendStamps = { request: now() };
      if (sinceAnswer) send.busyBefore = performance.eventLoopUtilization(sinceAnswer).active * 1000;
      current = send;
      const writeHead = response.writeHead;
      response.writeHead = function (this: typeof response, ...head: Parameters<typeof writeHead>) {
        send.answered ??= now();
        return writeHead.apply(this, head);
      } as typeof writeHead;
      response.once('finish', () => {
        send.finished = now();
        sinceAnswer = performance.eventLoopUtilization();
        if (sends.length < KEPT) sends.push(send);
      });
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof Server.prototype.emit;

  const sync = WalSync.prototype.sync;
  WalSync.prototype.sync = function (this: unknown) {
    const send = current;
    if (send && send.committed === undefined) send.committed = now();
    return sync.call(this).then(() => {
      if (send && send.flushed === undefined) send.flushed = now();
    });
  };

  process.on('exit', () => {
    writeFileSync(
      process.env['CONFAB_SEND_TIMELINE_FILE'] ?? `/tmp/confab-send-timeline-${process.pid}.txt`,
      timelineReport(sends, 4000) + '\n',
    );
  });
}
