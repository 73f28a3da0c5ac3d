import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, startWebHarness } from './browser.js';
import { directBetween, openConversation, person, row, sendText } from './people.js';

/** A message typed offline outlives a reload: pending after it, sent once with its clientId when the connection returns. */
describeBrowser('pending messages across a reload (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it('keeps a message typed offline pending across a reload and sends it once when back online', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice', 'Alice'), person(harness, 'bob', 'Bob')]);
    const dm = await directBetween(alice, bob);
    // The realtime socket through a switch: the page itself must load again (HTTP) while the
    // connection that would send the message stays refused.
    let socketsRefused = false;
    await bob.context.routeWebSocket(/\/api\/v1\/ws/, (socket) => {
      if (socketsRefused) socket.close({ code: 1011, reason: 'refused by the test' });
      else socket.connectToServer();
    });
    await Promise.all([openConversation(alice.page, dm.id), openConversation(bob.page, dm.id)]);

    await bob.context.setOffline(true);
    await bob.page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
    await sendText(bob.page, 'typed before the reload');
    await row(bob.page, 'typed before the reload').getByText('Sending…').waitFor();

    socketsRefused = true;
    await bob.context.setOffline(false);
    await bob.page.reload();
    await bob.page.getByRole('log', { name: 'Messages' }).waitFor();
    await row(bob.page, 'typed before the reload').getByText('Sending…').waitFor();
    const [kept] = await bob.page.evaluate(
      (key) => JSON.parse(localStorage.getItem(key) ?? '[]') as { clientId: string }[],
      `confab.outbox.${bob.id}`,
    );
    expect(kept?.clientId).toMatch(/.+/);
    expect((await alice.sdk.history(dm.id)).items.map((m) => m.body)).not.toContain('typed before the reload');

    // Back online: the connection opens (the browser's `online` event hurries it) and the message goes.
    socketsRefused = false;
    await bob.context.setOffline(true);
    await bob.context.setOffline(false);
    await row(alice.page, 'typed before the reload').waitFor();
    await expect.poll(() => row(bob.page, 'typed before the reload').getByText('Sending…').count()).toBe(0);
    await sendText(bob.page, 'and one more');
    await row(alice.page, 'and one more').waitFor();
    const stored = (await alice.sdk.history(dm.id)).items.filter((m) => m.body === 'typed before the reload');
    expect(stored.map((m) => m.clientId)).toEqual([kept!.clientId]);
    expect(await row(alice.page, 'typed before the reload').count()).toBe(1);
    // Sent: nothing is left in storage to go again on the next load.
    expect(await bob.page.evaluate((key) => localStorage.getItem(key), `confab.outbox.${bob.id}`)).toBeNull();
    await Promise.all([alice.context.close(), bob.context.close()]);
  }, 120_000);
});
