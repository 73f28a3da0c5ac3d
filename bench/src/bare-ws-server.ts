/**
 * The fan-out baseline, run as its own process: a bare `ws` server that, for every frame it
 * receives, serialises one 200-byte text frame (carrying the trigger's payload, so latency can be
 * measured the same way as Confab's) and writes that same buffer to every connected socket.
 * No parsing, validation, storage or bookkeeping: the most a Node.js process can fan out.
 */
import { WebSocketServer, type WebSocket, type RawData } from 'ws';

export const BARE_FRAME_BYTES = 200;

const port = Number(process.env['PORT'] ?? 0);
const sockets = new Set<WebSocket>();
const READY = Buffer.from('{"type":"ready"}');

const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false, clientTracking: false });

wss.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => sockets.delete(socket));
  socket.on('message', (data) => broadcast(data));
  socket.send(READY, { binary: false });
});

function broadcast(data: RawData): void {
  const payload = Buffer.isBuffer(data) ? data.toString('latin1') : '';
  const head = `{"type":"message.created","body":"${payload.replace(/["\\]/g, '')}`;
  const frame = Buffer.alloc(BARE_FRAME_BYTES, 0x20); // pad with spaces (valid JSON whitespace)
  frame.write(head, 0, 'latin1');
  frame.write('"}', Math.max(head.length, BARE_FRAME_BYTES - 2), 'latin1');
  const bytes = head.length + 2 > BARE_FRAME_BYTES ? Buffer.from(`${head}"}`, 'latin1') : frame;
  for (const socket of sockets) {
    if (socket.readyState === socket.OPEN) socket.send(bytes, { binary: false });
  }
}

wss.on('listening', () => process.stdout.write(`listening ${port}\n`));

const stop = () => {
  for (const socket of sockets) socket.terminate();
  wss.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent holds our stdin open; if it goes away (even by SIGKILL), so do we.
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
