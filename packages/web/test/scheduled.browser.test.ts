import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { groupOf, openConversation, person, row } from './people.js';

/** Issue 37 in the browser: "Schedule send…" from the composer's menu, the hint, and the Scheduled list (edit, send now). */
describeBrowser('scheduled send (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it('schedules what is typed for tomorrow 9:00, lists it, edits its text and sends it now', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice', 'Alice'), person(harness, 'bob', 'Bob')]);
    const group = await groupOf(alice, [bob], 'Plans');
    await Promise.all([openConversation(alice.page, group.id), openConversation(bob.page, group.id)]);

    await alice.page.getByRole('textbox', { name: 'Message' }).fill('Stand-up in ten');
    await alice.page.getByRole('button', { name: 'Send options' }).click();
    await alice.page.getByRole('menuitem', { name: 'Schedule send…' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'Schedule send' });
    await dialog.getByRole('button', { name: /^Tomorrow 9:00/ }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await alice.page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('');
    const [scheduled] = await alice.sdk.scheduled.all();
    const tomorrow = new Date();
    tomorrow.setDate(tomorrow.getDate() + 1);
    tomorrow.setHours(9, 0, 0, 0);
    expect(scheduled).toMatchObject({ conversationId: group.id, body: 'Stand-up in ten', scheduledAt: tomorrow.toISOString() });

    await alice.page.getByRole('link', { name: '1 scheduled message' }).click();
    await alice.page.getByRole('heading', { name: 'Scheduled messages' }).waitFor();
    await alice.page.getByText('Stand-up in ten').waitFor();
    await expectAccessible(alice.page);
    await alice.page.getByRole('button', { name: 'Edit' }).click();
    await alice.page.getByRole('textbox', { name: 'Text' }).fill('Stand-up in five');
    await alice.page.getByRole('button', { name: 'Save' }).click();
    await alice.page.getByText('Stand-up in five').waitFor();
    // The list shows the new text as soon as Save is pressed; the server has it once the PATCH is
    // answered (a loaded run read it before: 2026-11-27).
    await expect.poll(async () => (await alice.sdk.scheduled.all()).map((s) => s.body)).toEqual(['Stand-up in five']);

    await alice.page.getByRole('button', { name: 'Send now' }).click();
    await alice.page.getByText('Nothing scheduled.', { exact: false }).waitFor();
    // Sent from Alice's outbox to Bob's open conversation: it failed once in CI (2026-11-26, 24b00c5)
    // at the default 10 s with the machine loaded, and passed in every other run; the wait is for
    // a message's whole trip, so it gets the long-flow bound, not a retry.
    await row(bob.page, 'Stand-up in five').waitFor();
    expect(await alice.sdk.scheduled.all()).toEqual([]);
    await Promise.all([alice.context.close(), bob.context.close()]);
  }, 120_000);
});
