import type { FastifyInstance } from 'fastify';

/**
 * How long a connection whose request body was answered before it was read stays open after the
 * answer, its remaining bytes read and dropped: long enough that the client reads the answer
 * (closing with unread bytes sends a TCP reset, which can drop the answer from the client's
 * buffer), short enough that a 30 MB upload is not received only to be thrown away.
 */
const LINGER_MS = 2000;

/**
 * An answer sent before its request's body was read (an early 413, a refused upload, a 401 on a
 * POST) closes its connection (issue 35, item 1). Kept alive, the unread body would sit in front
 * of the connection's next request, which then waited for a timeout: a browser reusing that
 * connection saw its next upload (and any request) hang for about a minute. The answer says
 * `Connection: close`; the rest of the body is read and dropped for at most LINGER_MS, then the
 * socket is destroyed.
 */
export function closeAfterUnreadBody(app: FastifyInstance): void {
  // Callback hooks: every answer runs them, and an async hook costs a promise each (issue 41).
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!request.raw.complete) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, _reply, done) => {
    done();
    const raw = request.raw;
    if (raw.complete || raw.destroyed) return;
    raw.unpipe(); // the body parser (busboy) gives up the stream
    raw.resume();
    const socket = raw.socket;
    const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
    socket.once('close', () => clearTimeout(timer));
  });
}
