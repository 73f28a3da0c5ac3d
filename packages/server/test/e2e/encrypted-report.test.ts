import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminReportPage, Message } from '@confab/protocol';
import { adminOf } from '../admin.js';
import { engines } from '../engines.js';
import { type TestServer, api } from '../harness.js';
import { encryptedPerson } from '../encrypted-people.js';

/**
 * Issue 39: reporting a message of an end-to-end encrypted conversation. The admins hold only its
 * ciphertext, so the reporter may share the text their device decrypted (`sharedText`); the admin
 * view shows it beside the envelope, and the server refuses it for a plain message.
 */
describe.each(await engines())('reports of encrypted messages on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  it('carries the text the reporter decrypted to the admins, only for an encrypted message', async () => {
    const alice = await encryptedPerson(t.url, 'ra');
    const mallory = await encryptedPerson(t.url, 'rm');
    const admin = await adminOf(t);
    const dm = await mallory.client.openDirect(alice.id, { encrypted: true });
    const abuse = `send me your password ${crypto.randomUUID()}`;
    const sent = await mallory.client.sendMessage(dm.id, abuse);
    const [read] = (await alice.client.history(dm.id, { after: 0, limit: 50 })).items.filter((m) => m.id === sent.id);
    expect(read!.body).toBe(abuse);

    await alice.client.assist.report(sent.id, { reason: 'abuse', note: 'phishing', sharedText: read!.body! });
    const open = (await api(t.url, 'GET', '/api/v1/admin/reports', { token: admin.token })).body as AdminReportPage;
    const report = open.items.find((r) => r.messageId === sent.id)!;
    expect(report).toMatchObject({ reason: 'abuse', note: 'phishing', sharedText: abuse, senderId: mallory.id, reporterId: alice.id });
    // The message itself is still ciphertext to the admin: the shared text is the reporter's word.
    expect(report.message).toMatchObject({ kind: 'encrypted', mls: 'application' });
    expect(report.message).not.toHaveProperty('body');

    // A plain message's text is the message itself: sharing one is refused, and nothing is stored.
    const plain = await alice.client.openDirect(mallory.id);
    const plainMessage: Message = await mallory.client.sendMessage(plain.id, 'hello in clear');
    const refused = await api(t.url, 'POST', `/api/v1/messages/${plainMessage.id}/report`, {
      token: alice.token,
      body: { reason: 'spam', sharedText: 'not what it said' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: '/body/sharedText' }] });
    const after = (await api(t.url, 'GET', '/api/v1/admin/reports', { token: admin.token })).body as AdminReportPage;
    expect(after.items.some((r) => r.messageId === plainMessage.id)).toBe(false);
    // Malformed: an empty shared text.
    const empty = await api(t.url, 'POST', `/api/v1/messages/${sent.id}/report`, {
      token: alice.token,
      body: { reason: 'spam', sharedText: '' },
    });
    expect(empty.status).toBe(400);
  });
});
