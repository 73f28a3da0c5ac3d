import { afterAll, beforeAll, expect, it } from 'vitest';
import { databaseSnapshot } from '../../server/test/snapshot.js';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { browserDeviceOf, encryptHere, groupOf, openConversation, person } from './people.js';

/**
 * Issue 39 in the web app: a poll and a place in an encrypted conversation. The poll goes inside
 * an MLS message; the other browser votes (its vote encrypted too), and each browser shows the
 * count it made from the order. The place shows as a plain one. The server holds none of it.
 */
describeBrowser('encrypted polls and places (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it('creates a poll in one browser, the other votes, both show the count; fixed and live places show as plain ones', async () => {
    const [alice, bob] = [await person(harness, 'epa', 'Alice'), await person(harness, 'epb', 'Bob')];
    await Promise.all([browserDeviceOf(alice), browserDeviceOf(bob)]);
    const group = await groupOf(alice, [bob], 'Lunch');
    await openConversation(alice.page, group.id);
    await encryptHere(alice.page);
    await openConversation(bob.page, group.id);
    await bob.page.locator('header.conversation-header').getByRole('img', { name: 'End-to-end encrypted' }).waitFor();

    const tag = crypto.randomUUID().slice(0, 8);
    const [question, pizza, sushi] = [`Where to ${tag}?`, `Pizza ${tag}`, `Sushi ${tag}`];
    await alice.page.getByRole('button', { name: 'Create a poll' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'New poll' });
    await dialog.getByRole('textbox', { name: 'Question' }).fill(question);
    await dialog.getByRole('textbox', { name: 'Option 1' }).fill(pizza);
    await dialog.getByRole('textbox', { name: 'Option 2' }).fill(sushi);
    await dialog.getByRole('button', { name: 'Send poll' }).click();

    const bobsPoll = bob.page.getByRole('group', { name: `Poll: ${question}` });
    await bobsPoll.getByRole('button', { name: `${sushi}: 0 votes` }).click();
    const alicesPoll = alice.page.getByRole('group', { name: `Poll: ${question}` });
    await alicesPoll.getByRole('button', { name: `${sushi}: 1 vote` }).waitFor();
    const bobsChoice = bobsPoll.getByRole('button', { name: `${sushi}: 1 vote` });
    await bobsChoice.waitFor();
    expect(await bobsChoice.getAttribute('aria-pressed')).toBe('true');
    // Alice votes too: both browsers count two, each from the order it applied.
    await alicesPoll.getByRole('button', { name: `${sushi}: 1 vote` }).click();
    for (const poll of [alicesPoll, bobsPoll]) await poll.getByRole('button', { name: `${sushi}: 2 votes` }).waitFor();
    // Only the author closes an encrypted poll.
    expect(await bobsPoll.getByRole('button', { name: 'Close poll' }).count()).toBe(0);
    await alicesPoll.getByRole('button', { name: 'Close poll' }).click();
    await bobsPoll.getByText('· closed').waitFor();
    expect(await bobsPoll.getByRole('button', { name: `${pizza}: 0 votes` }).isDisabled()).toBe(true);
    // Votes are counted on the poll, not listed: one row in each browser.
    for (const page of [alice.page, bob.page])
      await expect.poll(() => page.getByRole('log', { name: 'Messages', exact: true }).locator('article.message').count()).toBe(1);
    await expectAccessible(bob.page);

    // A fixed place shows as a plain place does.
    await alice.context.grantPermissions(['geolocation']);
    await alice.context.setGeolocation({ latitude: 47.37174, longitude: 8.54226, accuracy: 9 });
    await alice.page.getByRole('button', { name: 'Share location', exact: true }).click();
    await bob.page.getByText('47.37174, 8.54226 (±9 m)').waitFor();
    const link = bob.page.getByRole('link', { name: 'Open in OpenStreetMap' });
    expect(await link.getAttribute('href')).toBe('https://www.openstreetmap.org/?mlat=47.37174&mlon=8.54226#map=16/47.37174/8.54226');
    await expectAccessible(bob.page);

    // A live place: shared, moved and stopped from Alice's browser, each change seen in Bob's, as in a plain conversation.
    await alice.context.setGeolocation({ latitude: 46.94809, longitude: 7.44744, accuracy: 14 });
    await alice.page.getByRole('button', { name: 'Share live location' }).click();
    await bob.page.getByText('46.94809, 7.44744 (±14 m)').waitFor();
    const live = bob.page.getByRole('article').filter({ hasText: '46.94809, 7.44744' });
    await live.getByText(/^Live until /).waitFor();
    const controls = alice.page.getByRole('group', { name: 'My live location' });
    await controls.waitFor();
    expect(await bob.page.getByRole('group', { name: 'My live location' }).count()).toBe(0);
    await alice.context.setGeolocation({ latitude: 46.95102, longitude: 7.43869, accuracy: 6 });
    await controls.getByRole('button', { name: 'Update location' }).click();
    await bob.page.getByText('46.95102, 7.43869 (±6 m)').waitFor();
    await controls.getByRole('button', { name: 'Stop sharing' }).click();
    for (const page of [alice.page, bob.page]) await page.getByText('Live location ended').waitFor();
    expect(await controls.count()).toBe(0);
    // The moves and the stop are not listed: the poll and the two places are the rows.
    for (const page of [alice.page, bob.page])
      await expect.poll(() => page.getByRole('log', { name: 'Messages', exact: true }).locator('article.message').count()).toBe(3);
    // After a reload Bob's browser works the place out again from the order: where it was moved, ended.
    await bob.page.reload();
    await bob.page.getByText('46.95102, 7.43869 (±6 m)').waitFor();
    await bob.page.getByText('Live location ended').waitFor();
    await expectAccessible(bob.page);

    const snapshot = JSON.stringify(await databaseSnapshot(harness.server));
    for (const seen of [question, pizza, sushi, '47.37174', '8.54226', '46.94809', '46.95102'])
      expect(snapshot.includes(seen), seen).toBe(false);
    await Promise.all([alice.context.close(), bob.context.close()]);
  }, 180_000);
});
