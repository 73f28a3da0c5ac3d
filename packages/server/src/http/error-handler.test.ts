import { once } from 'node:events';
import { type Socket, createConnection, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sendClientError } from './error-handler.js';

/** What a client reads when the server answers a connection-level error on a real TCP socket. */
async function answerTo(code: string): Promise<{ head: string; body: unknown }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as { port: number };
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const client = createConnection(address.port, '127.0.0.1');
  const [socket] = await accepted;
  socket.on('error', () => {}); // destroyed with the error, as Node's own handler does
  let text = '';
  client.on('data', (chunk) => (text += chunk.toString()));
  const closed = once(client, 'close');
  sendClientError(Object.assign(new Error(code), { code }), socket);
  await closed;
  server.close();
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return { head, body: JSON.parse(body) };
}

describe('sendClientError', () => {
  it('answers a request that did not arrive in time with 408 request_timeout in the envelope', async () => {
    const { head, body } = await answerTo('ERR_HTTP_REQUEST_TIMEOUT');
    expect(head).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(head).toContain('Content-Type: application/json');
    expect(body).toEqual({ error: { code: 'request_timeout', message: expect.any(String) } });
  });

  it('answers headers over the limit with 431 and anything else unparseable with 400', async () => {
    expect(await answerTo('HPE_HEADER_OVERFLOW')).toMatchObject({
      head: expect.stringMatching(/^HTTP\/1\.1 431 /),
      body: { error: { code: 'headers_too_large' } },
    });
    expect(await answerTo('HPE_INVALID_METHOD')).toMatchObject({
      head: expect.stringMatching(/^HTTP\/1\.1 400 /),
      body: { error: { code: 'validation_failed' } },
    });
  });
});
