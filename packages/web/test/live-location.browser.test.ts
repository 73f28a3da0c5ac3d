import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { directBetween, openConversation, person } from './people.js';

/** A live location shared, moved and stopped by its sender from the app, each change seen live by the other. */
describeBrowser('live location (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it('shares a live location, moves it and stops it', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice'), person(harness, 'bob')]);
    const dm = await directBetween(alice, bob);
    await alice.context.grantPermissions(['geolocation']);
    await alice.context.setGeolocation({ latitude: 48.8584, longitude: 2.2945, accuracy: 12 });
    await Promise.all([openConversation(alice.page, dm.id), openConversation(bob.page, dm.id)]);

    await alice.page.getByRole('button', { name: 'Share live location' }).click();
    await bob.page.getByText('48.85840, 2.29450 (±12 m)').waitFor();
    await bob.page.getByText(/^Live until /).waitFor();
    // Only the sender has the controls.
    const controls = alice.page.getByRole('group', { name: 'My live location' });
    await controls.waitFor();
    expect(await bob.page.getByRole('group', { name: 'My live location' }).count()).toBe(0);
    await expectAccessible(alice.page);

    await alice.context.setGeolocation({ latitude: 48.8606, longitude: 2.3376, accuracy: 8 });
    await controls.getByRole('button', { name: 'Update location' }).click();
    await bob.page.getByText('48.86060, 2.33760 (±8 m)').waitFor();
    const link = bob.page.getByRole('link', { name: 'Open in OpenStreetMap' });
    expect(await link.getAttribute('href')).toContain('mlat=48.8606&mlon=2.3376');

    await controls.getByRole('button', { name: 'Stop sharing' }).click();
    await bob.page.getByText('Live location ended').waitFor();
    await alice.page.getByText('Live location ended').waitFor();
    expect(await controls.count()).toBe(0);
    const [stored] = (await bob.sdk.history(dm.id, { limit: 1 })).items;
    expect(Date.parse(stored!.location!.liveUntil!)).toBeLessThanOrEqual(Date.now());
    await Promise.all([alice.context.close(), bob.context.close()]);
  }, 120_000);
});
