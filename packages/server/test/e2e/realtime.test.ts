import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { ConfabClient, type WebSocketConstructor } from '@confab/client';
import { type EventOf, WS_BEARER_PROTOCOL_PREFIX, WS_SUBPROTOCOL } from '@confab/protocol';
import { RawSocket, type TestServer, api, barrier, registerUser, startServer } from '../harness.js';

describe('WebSocket gateway', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ WS_MAX_FRAME_BYTES: '2048', MAX_SOCKETS_PER_USER: '3', WS_PING_INTERVAL_MS: '200' });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('handshake', () => {
    it('accepts the token as a Bearer header or an access_token query parameter', async () => {
      const u = await registerUser(t.url);
      for (const via of ['header', 'query'] as const) {
        const socket = await RawSocket.open(t.url, u.token, { via });
        expect(await socket.next((f) => f.type === 'ready')).toMatchObject({ type: 'ready', userId: u.id });
        socket.close();
      }
    });

    // Issue 35 item 6: browsers log a socket's URL, so the token rides in the subprotocol list.
    it('accepts the token in the subprotocol list and selects confab.v1, never the token', async () => {
      const u = await registerUser(t.url);
      const socket = await RawSocket.open(t.url, u.token, { via: 'subprotocol' });
      expect(socket.ws.protocol).toBe(WS_SUBPROTOCOL);
      expect(await socket.next((f) => f.type === 'ready')).toMatchObject({ type: 'ready', userId: u.id });
      socket.close();
      // The token offered first: still the version is selected.
      const reversed = await RawSocket.open(t.url, undefined, { protocols: [`${WS_BEARER_PROTOCOL_PREFIX}${u.token}`, WS_SUBPROTOCOL] });
      expect(reversed.ws.protocol).toBe(WS_SUBPROTOCOL);
      await reversed.next((f) => f.type === 'ready');
      reversed.close();
    });

    it('refuses a bad token in the subprotocol list as in the header: upgraded with confab.v1, then closed 4401', async () => {
      const socket = await RawSocket.open(t.url, 'not-a-jwt', { via: 'subprotocol' });
      // Selected, or a browser would fail the handshake and never see the close code.
      expect(socket.ws.protocol).toBe(WS_SUBPROTOCOL);
      expect(await socket.closed).toBe(4401);
      expect(socket.closeReason).toBe('unauthenticated');
    });

    it('refuses a malformed subprotocol list with 400 in the error envelope, before the upgrade', async () => {
      const u = await registerUser(t.url);
      for (const header of [
        `confab.v1, confab.bearer.${u.token}/x`,
        `confab.v1, confab.v1, confab.bearer.${u.token}`,
        'confab.v1,, x',
        'a b',
      ]) {
        const refused = await refusedUpgrade(t.url, '/api/v1/ws', { 'sec-websocket-protocol': header });
        expect(refused.status, header).toBe(400);
        expect(JSON.parse(refused.body)).toEqual({
          error: { code: 'validation_failed', message: expect.stringContaining('Sec-WebSocket-Protocol') },
        });
      }
    });

    it('refuses confab.v1 without a token entry with 401 before the upgrade', async () => {
      await expect(RawSocket.open(t.url, undefined, { protocols: [WS_SUBPROTOCOL] })).rejects.toThrow('HTTP 401');
      await expect(
        RawSocket.open(t.url, undefined, { protocols: [WS_SUBPROTOCOL, WS_BEARER_PROTOCOL_PREFIX.slice(0, -1)] }),
      ).rejects.toThrow('HTTP 401');
    });

    it('the SDK opens its socket with the token in the subprotocol list, none in the URL', async () => {
      const u = await registerUser(t.url);
      const opened: { url: string; protocols: string[] }[] = [];
      const Recording = class extends WebSocket {
        constructor(url: string, protocols: string[]) {
          super(url, protocols);
          opened.push({ url, protocols });
        }
      } as unknown as WebSocketConstructor;
      const client = new ConfabClient({ baseUrl: t.url, WebSocket: Recording, tokens: u.client.tokens! });
      const live = client.connect();
      await live.ready();
      live.close();
      expect(opened).toHaveLength(1);
      const url = new URL(opened[0]!.url);
      expect(url.pathname).toBe('/api/v1/ws');
      expect(url.search).not.toContain(u.token);
      expect(url.searchParams.has('access_token')).toBe(false);
      expect(opened[0]!.protocols).toEqual([WS_SUBPROTOCOL, `${WS_BEARER_PROTOCOL_PREFIX}${u.token}`]);
    });

    it('refuses a missing token with 401 before the upgrade', async () => {
      await expect(RawSocket.open(t.url)).rejects.toThrow('HTTP 401');
    });

    it('closes with 4401 for a bad or expired token', async () => {
      const socket = await RawSocket.open(t.url, 'not-a-jwt');
      expect(await socket.closed).toBe(4401);
      expect(socket.closeReason).toBe('unauthenticated');
    });

    it('answers 426 to a plain GET and 404 to an upgrade on another path', async () => {
      const u = await registerUser(t.url);
      const plain = await api(t.url, 'GET', '/api/v1/ws', { token: u.token });
      expect(plain).toMatchObject({ status: 426, body: { error: { code: 'upgrade_required' } } });
      const wrong = await refusedUpgrade(t.url, '/elsewhere', { authorization: `Bearer ${u.token}` });
      expect(wrong.status).toBe(404);
    });

    it('refuses an upgrade with the JSON error envelope, as REST does: 404, 401, 403 and 503', async () => {
      const u = await registerUser(t.url);
      const host = new URL(t.url).host;
      const refusals = [
        [await refusedUpgrade(t.url, '/api/v1/elsewhere', { authorization: `Bearer ${u.token}` }), 404, 'not_found'],
        [await refusedUpgrade(t.url, '/api/v1/ws', {}), 401, 'unauthenticated'],
        [
          await refusedUpgrade(t.url, '/api/v1/ws', { authorization: `Bearer ${u.token}`, origin: 'https://evil.example' }),
          403,
          'forbidden',
        ],
      ] as const;
      // A node that has begun shutting down refuses new sockets (503) while its port still answers.
      const draining = await startServer();
      try {
        draining.server.gateway.stopAccepting();
        const refused = await refusedUpgrade(draining.url, '/api/v1/ws', { origin: `http://${host}` });
        for (const [answer, status, code] of [...refusals, [refused, 503, 'unavailable'] as const]) {
          expect(answer.status).toBe(status);
          expect(answer.contentType).toMatch(/^application\/json/);
          expect(JSON.parse(answer.body)).toEqual({ error: { code, message: expect.any(String) } });
        }
      } finally {
        await draining.close();
      }
    });

    it('allows same-origin browsers and refuses other origins', async () => {
      const u = await registerUser(t.url);
      const host = new URL(t.url).host;
      const same = await RawSocket.open(t.url, u.token, { headers: { origin: `http://${host}` } });
      await same.next((f) => f.type === 'ready');
      same.close();
      await expect(RawSocket.open(t.url, u.token, { headers: { origin: 'https://evil.example' } })).rejects.toThrow('HTTP 403');
    });

    it('caps sockets per user with close code 4429', async () => {
      const u = await registerUser(t.url);
      const open = await Promise.all([1, 2, 3].map(() => RawSocket.ready(t.url, u.token)));
      const fourth = await RawSocket.open(t.url, u.token);
      expect(await fourth.closed).toBe(4429);
      open[0]!.close();
      await open[0]!.closed;
      await expect
        .poll(async () => {
          const again = await RawSocket.open(t.url, u.token);
          const ok = await again
            .next((f) => f.type === 'ready', 1000)
            .then(
              () => true,
              () => false,
            );
          again.close();
          return ok;
        })
        .toBe(true);
      open.slice(1).forEach((s) => s.close());
    });
  });

  describe('frames', () => {
    it('sends over the socket through the same service as REST, idempotently', async () => {
      const a = await registerUser(t.url);
      const b = await registerUser(t.url);
      const dm = await a.client.openDirect(b.id);
      const socket = await RawSocket.ready(t.url, a.token);
      socket.send({ type: 'message.send', id: 'f1', conversationId: dm.id, clientId: 'k1', body: 'hello' });
      const ack = await socket.next<EventOf<'message.created'> & { type: any; id: string }>((f) => f.type === 'ack' && f.id === 'f1');
      expect(ack.message).toMatchObject({ seq: 1, body: 'hello', clientId: 'k1', senderId: a.id });
      socket.send({ type: 'message.send', id: 'f2', conversationId: dm.id, clientId: 'k1', body: 'hello' });
      const again = await socket.next<any>((f) => f.type === 'ack' && f.id === 'f2');
      expect(again.message).toEqual(ack.message);
      const rest = await api(t.url, 'POST', `/api/v1/conversations/${dm.id}/messages`, {
        token: a.token,
        body: { clientId: 'k1', body: 'hello' },
      });
      expect(rest).toMatchObject({ status: 200, body: { message: ack.message } });
      expect((await a.client.history(dm.id)).items).toHaveLength(1);
      socket.close();
    });

    it('answers malformed, unknown, invalid, binary and oversized frames with an error frame and stays open', async () => {
      const a = await registerUser(t.url);
      const socket = await RawSocket.ready(t.url, a.token);
      const errorAfter = async (send: () => void) => {
        const before = socket.frames.length;
        send();
        return socket.next<any>((f) => f.type === 'error' && socket.frames.indexOf(f) >= before);
      };
      expect((await errorAfter(() => socket.send('{not json'))).error.code).toBe('malformed_json');
      const unknown = await errorAfter(() => socket.send({ type: 'launch.rockets', id: 'u1' }));
      expect(unknown).toMatchObject({ id: 'u1', error: { code: 'unknown_frame' } });
      const invalid = await errorAfter(() => socket.send({ type: 'message.send', id: 'v1', conversationId: 'c', body: 'no clientId' }));
      expect(invalid).toMatchObject({ id: 'v1', error: { code: 'validation_failed' } });
      const extra = await errorAfter(() => socket.send({ type: 'ping', id: 'p1', surprise: true }));
      expect(extra).toMatchObject({ id: 'p1', error: { code: 'validation_failed' } });
      // The receipt and typing frames are checked the same way.
      for (const frame of [
        { type: 'read', id: 'r1', conversationId: 'c', seq: -1 },
        { type: 'delivered', id: 'd1', conversationId: 'c', seq: 1, surprise: true },
        { type: 'typing', id: 't1', conversationId: 'c', typing: 'yes' },
      ]) {
        expect(await errorAfter(() => socket.send(frame))).toMatchObject({ id: frame.id, error: { code: 'validation_failed' } });
      }
      expect((await errorAfter(() => socket.ws.send(Buffer.from([1, 2, 3]), { binary: true }))).error.code).toBe('validation_failed');
      const big = await errorAfter(() =>
        socket.send({ type: 'message.send', id: 'big', conversationId: 'c', clientId: 'k', body: 'x'.repeat(4000) }),
      );
      expect(big.error).toMatchObject({
        code: 'payload_too_large',
        details: [{ path: '', message: expect.any(String), params: { limit: 2048 } }],
      });
      const notMember = await errorAfter(() =>
        socket.send({ type: 'message.send', id: 'nm', conversationId: 'no-such-conversation', clientId: 'k', body: 'hi' }),
      );
      expect(notMember).toMatchObject({ id: 'nm', error: { code: 'not_found' } });
      // Still alive:
      socket.send({ type: 'ping', id: 'alive' });
      expect(await socket.next((f) => f.type === 'pong')).toEqual({ type: 'pong', id: 'alive' });
      expect(socket.closeCode).toBeUndefined();
      socket.close();
    });

    it('closes a frame far beyond the limit (1009) rather than buffering it', async () => {
      const a = await registerUser(t.url);
      const socket = await RawSocket.ready(t.url, a.token);
      socket.send('x'.repeat(2048 * 16 + 1));
      expect(await socket.closed).toBe(1009);
    });
  });

  describe('fan-out', () => {
    it('delivers every message once to every socket of every member, the sender’s other devices included', async () => {
      const owner = await registerUser(t.url);
      const members = await Promise.all([1, 2, 3].map(() => registerUser(t.url)));
      const outsider = await registerUser(t.url);
      const group = await owner.client.createGroup(
        'team',
        members.map((m) => m.id),
      );
      const sockets = await Promise.all([owner, owner, ...members, outsider].map((u) => RawSocket.ready(t.url, u.token)));
      for (let i = 0; i < 5; i++) await owner.client.sendMessage(group.id, `msg ${i}`);
      for (const socket of sockets.slice(0, 5)) {
        await socket.next((f) => f.type === 'message.created' && f.message.seq === 5);
        const seqs = socket.frames.flatMap((f) => (f.type === 'message.created' ? [f.message.seq] : []));
        expect(seqs).toEqual([1, 2, 3, 4, 5]);
      }
      await barrier(sockets[5]!); // whatever the fan-out wrote to the outsider has arrived
      expect(sockets[5]!.frames.filter((f) => f.type === 'message.created')).toHaveLength(0);
      sockets.forEach((s) => s.close());
    });

    it('follows membership: added members start receiving, removed ones stop, each event once', async () => {
      const owner = await registerUser(t.url);
      const early = await registerUser(t.url);
      const late = await registerUser(t.url);
      const ownerSocket = await RawSocket.ready(t.url, owner.token);
      const earlySocket = await RawSocket.ready(t.url, early.token);
      const lateSocket = await RawSocket.ready(t.url, late.token);

      const group = await owner.client.createGroup('club', [early.id]);
      const created = await earlySocket.next<EventOf<'conversation.created'>>((f) => f.type === 'conversation.created');
      expect(created.conversation).toMatchObject({ id: group.id, title: 'club', memberCount: 2 });
      await owner.client.sendMessage(group.id, 'before late joined');
      await earlySocket.next((f) => f.type === 'message.created');

      await owner.client.addMember(group.id, late.id);
      for (const socket of [ownerSocket, earlySocket, lateSocket]) {
        await socket.next((f) => f.type === 'member.added');
      }
      await owner.client.sendMessage(group.id, 'after late joined');
      await lateSocket.next((f) => f.type === 'message.created' && f.message.body === 'after late joined');
      // The late member reads the history's record of their joining, then what followed.
      expect(
        lateSocket.frames
          .filter((f) => f.type === 'message.created')
          .map((f: any) => [f.message.kind, f.message.system?.action, f.message.body]),
      ).toEqual([
        ['system', 'member_added', ''],
        ['text', undefined, 'after late joined'],
      ]);

      await owner.client.removeMember(group.id, late.id);
      await lateSocket.next((f) => f.type === 'member.removed');
      await earlySocket.next((f) => f.type === 'member.removed');
      await owner.client.sendMessage(group.id, 'after late left');
      await earlySocket.next((f) => f.type === 'message.created' && f.message.body === 'after late left');
      await barrier(lateSocket); // whatever the fan-out wrote to the removed member has arrived
      // Not the system message recording their removal, nor anything after.
      expect(lateSocket.frames.filter((f) => f.type === 'message.created')).toHaveLength(2);
      const removal = await earlySocket.next<EventOf<'message.created'>>(
        (f) => f.type === 'message.created' && f.message.system?.action === 'member_removed',
      );
      expect(removal.message.system).toEqual({ action: 'member_removed', actorId: owner.id, userId: late.id });
      for (const socket of [ownerSocket, earlySocket, lateSocket]) {
        expect(socket.frames.filter((f) => f.type === 'member.added')).toHaveLength(1);
        expect(socket.frames.filter((f) => f.type === 'member.removed')).toHaveLength(1);
      }
      await owner.client.renameConversation(group.id, 'renamed club');
      await earlySocket.next((f) => f.type === 'conversation.updated');
      [ownerSocket, earlySocket, lateSocket].forEach((s) => s.close());
    });
  });

  describe('membership while a socket is set up', () => {
    it('a user added between the socket listing its conversations and going live still gets that conversation', async () => {
      const owner = await registerUser(t.url);
      const joiner = await registerUser(t.url);
      const group = await owner.client.createGroup('joined while connecting', []);
      // The socket lists the joiner's conversations (none), then the addition commits before the
      // socket reads the stream head: its member.added sits at or below the seam.
      // The socket's own listing (presence, counting the socket from its opening, lists them too).
      const conversations = t.server.services.conversations.conversations;
      const conversationIdsOf = conversations.conversationIdsOf.bind(conversations);
      const spy = vi.spyOn(conversations, 'conversationIdsOf').mockImplementation(async (userId) => {
        const ids = await conversationIdsOf(userId);
        if (userId === joiner.id) await owner.client.addMember(group.id, joiner.id);
        return ids;
      });
      let socket: RawSocket;
      try {
        socket = await RawSocket.ready(t.url, joiner.token);
      } finally {
        spy.mockRestore();
      }
      await owner.client.sendMessage(group.id, 'welcome');
      const message = await socket.next<EventOf<'message.created'>>((f) => f.type === 'message.created');
      expect(message.message.body).toBe('welcome');
      socket.close();
    });
  });

  describe('liveness', () => {
    it('reaps a socket that stops answering pings', async () => {
      const u = await registerUser(t.url);
      const socket = await RawSocket.ready(t.url, u.token);
      // Stop the client library from answering pings automatically, as a dead peer would.
      (socket.ws as any)._receiver.removeAllListeners('ping');
      (socket.ws as any).pong = () => undefined;
      expect(await socket.closed).toBe(1006);
    });
  });

  describe('SDK', () => {
    it('reconnects after the server drops it and delivers a send made while reconnecting, once', async () => {
      const a = await registerUser(t.url);
      const b = await registerUser(t.url);
      const dm = await a.client.openDirect(b.id);
      const live = a.client.connect({ minReconnectDelayMs: 20, maxReconnectDelayMs: 100 });
      await live.ready();
      const states: string[] = [];
      live.onStateChange((s) => states.push(s));
      expect(t.server.gateway.terminateUser(a.id)).toBe(1);
      const message = await live.send(dm.id, 'sent across a reconnect', 'fixed-client-id');
      expect(message.seq).toBe(1);
      expect(states).toContain('reconnecting');
      expect((await b.client.history(dm.id)).items).toHaveLength(1);
      live.close();
    });
  });
});

/** Attempts an upgrade the server refuses; answers the HTTP response it got instead. */
function refusedUpgrade(
  url: string,
  pathname: string,
  headers: Record<string, string>,
): Promise<{ status: number; contentType: string; body: string }> {
  const ws = new WebSocket(url.replace('http', 'ws') + pathname, { headers });
  return new Promise((resolve, reject) => {
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => {}); // the refusal aborts the request; the response is what counts
    ws.on('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? '', body }));
    });
  });
}
