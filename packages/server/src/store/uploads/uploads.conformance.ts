import { describe, expect, it } from 'vitest';
import { newId } from '../../ids.js';
import type { AttachmentRecord, UploadRecord } from '../store.js';
import { drafts, type Fixture, sendPlan } from '../conformance/fixtures.js';

/** Uploads (issue 11): records and quota totals, who may read one, attachments on messages, orphans. */
export function describeUploads(f: Fixture): void {
  const { user, conversation, msg, append } = f;

  const upload = (ownerId: string, size = 100, overrides: Partial<UploadRecord> = {}): UploadRecord => {
    const id = newId();
    return {
      id,
      ownerId,
      filename: 'été.png',
      contentType: 'image/png',
      size,
      sha256: 'ab'.repeat(32),
      width: 4,
      height: 3,
      durationMs: null,
      blobKey: id,
      thumbnailKey: `${id}.thumb`,
      createdAt: f.tick(),
      ...overrides,
    };
  };
  const attachment = (u: UploadRecord): AttachmentRecord => ({
    id: u.id,
    filename: u.filename,
    contentType: u.contentType,
    size: u.size,
    width: u.width,
    height: u.height,
    durationMs: u.durationMs,
  });
  const stored = async (u: UploadRecord) => {
    expect(await f.store.uploads.insertUpload(u, null)).toBe(true);
    return u;
  };

  describe('uploads', () => {
    it('stores a record and reads it back; counts each owner’s bytes', async () => {
      const [a, b] = [await user('amy'), await user('bo')];
      const first = await stored(upload(a.id, 1000, { durationMs: 1500, width: null, height: null, thumbnailKey: null }));
      const second = await stored(upload(a.id, 234));
      expect(await f.store.uploads.getUpload(first.id)).toEqual(first);
      expect((await f.store.uploads.getUploads([first.id, second.id, 'nope'])).sort((x, y) => (x.id < y.id ? -1 : 1))).toEqual(
        [first, second].sort((x, y) => (x.id < y.id ? -1 : 1)),
      );
      expect(await f.store.uploads.getUploads([])).toEqual([]);
      expect(await f.store.uploads.uploadBytesUsed(a.id)).toBe(1234);
      expect(await f.store.uploads.uploadBytesUsed(b.id)).toBe(0);
    });

    it('refuses a record that would pass the quota, storing nothing, and takes one that reaches it exactly', async () => {
      const a = await user('amy');
      await stored(upload(a.id, 600));
      const over = upload(a.id, 401);
      expect(await f.store.uploads.insertUpload(over, 1000)).toBe(false);
      expect(await f.store.uploads.getUpload(over.id)).toBeUndefined();
      expect(await f.store.uploads.uploadBytesUsed(a.id)).toBe(600);
      expect(await f.store.uploads.insertUpload(upload(a.id, 400), 1000)).toBe(true);
      expect(await f.store.uploads.uploadBytesUsed(a.id)).toBe(1000);
    });

    it('never lets concurrent records pass the quota together', async () => {
      const a = await user('amy');
      const results = await Promise.all(Array.from({ length: 8 }, () => f.store.uploads.insertUpload(upload(a.id, 300), 1000)));
      expect(results.filter(Boolean)).toHaveLength(3);
      expect(await f.store.uploads.uploadBytesUsed(a.id)).toBe(900);
    });

    it('keeps a message’s attachments and voice with it, and lets the members read the files while it lives', async () => {
      const [a, b, c] = [await user('amy'), await user('bo'), await user('cy')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      const file = await stored(upload(a.id));
      const voice = { durationMs: 1500, waveform: [1, 2, 255] };
      const [sent] = await append([{ ...msg(group.id, a.id, 'c1', ''), kind: 'voice', attachments: [attachment(file)], voice }]);
      expect(sent!.message).toMatchObject({ kind: 'voice', attachments: [attachment(file)], voice });
      expect(await f.store.messages.getMessage(sent!.message.id)).toMatchObject({ kind: 'voice', attachments: [attachment(file)], voice });
      expect((await f.store.messages.listMessages(group.id, { limit: 5 }))[0]).toMatchObject({ attachments: [attachment(file)] });

      expect(await f.store.uploads.readableUpload(file.id, a.id)).toEqual(file); // the owner
      expect(await f.store.uploads.readableUpload(file.id, b.id)).toEqual(file); // a member
      expect(await f.store.uploads.readableUpload(file.id, c.id)).toBeUndefined(); // a stranger
      expect(await f.store.uploads.readableUpload('nope', a.id)).toBeUndefined();
      expect(await f.store.uploads.listOrphanUploads(f.tick() + 1, 10)).toEqual([]);

      await f.removeMember(group.id, b.id, a.id);
      expect(await f.store.uploads.readableUpload(file.id, b.id)).toBeUndefined();
    });

    it('drops a deleted message’s attachments, its links and the files from its events', async () => {
      const [a, b] = [await user('amy'), await user('bo')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      const file = await stored(upload(a.id));
      const [sent] = await append([{ ...msg(group.id, a.id, 'c1', 'caption'), kind: 'attachment', attachments: [attachment(file)] }]);
      const id = sent!.message.id;
      const deleted = await f.update(id, () => ({ body: '', deletedAt: f.tick(), erase: true }), drafts.messageDeleted);
      expect(deleted!.message.attachments).toBeUndefined();
      expect(await f.store.uploads.readableUpload(file.id, b.id)).toBeUndefined();
      const logged = await f.store.events.readConversationEvents(group.id, 0, 100);
      const created = logged.find((e) => e.event.type === 'message.created' && e.event.message.id === id)!;
      expect(created.event).not.toHaveProperty('message.attachments');
      expect(await f.store.uploads.listOrphanUploads(f.tick() + 1, 10)).toEqual([file.id]);
    });

    it('refuses alone a new message whose upload was swept before the batch committed; the rest of the batch is stored', async () => {
      const [a, b] = [await user('amy'), await user('bo')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      const [kept, swept] = [await stored(upload(a.id)), await stored(upload(a.id, 50, { createdAt: 0 }))];
      // The sweep wins the race: the send had checked the upload, the batch commits after it is gone.
      expect((await f.store.uploads.deleteUnreferencedUploads([swept.id])).map((u) => u.id)).toEqual([swept.id]);
      const gone = {
        ...msg(group.id, a.id, 'c2', 'gone'),
        kind: 'attachment' as const,
        attachments: [attachment(kept), attachment(swept)],
      };
      const { results, events } = await f.store.messages.appendMessages(
        [
          msg(group.id, b.id, 'c1', 'before'),
          gone,
          { ...msg(group.id, a.id, 'c3', 'fine'), kind: 'attachment', attachments: [attachment(kept)] },
          { ...gone, id: newId() }, // the same send again in the batch: refused alike
        ],
        sendPlan,
      );
      expect(results[1]).toEqual({ missingUploadIds: [swept.id] });
      expect(results[3]).toEqual({ missingUploadIds: [swept.id] });
      expect(results[0]).toMatchObject({ created: true, message: { body: 'before', seq: 1 } });
      expect(results[2]).toMatchObject({ created: true, message: { body: 'fine', seq: 2, attachments: [attachment(kept)] } });
      expect((await f.store.messages.listMessages(group.id, { limit: 10 })).map((m) => m.body)).toEqual(['fine', 'before']);
      expect(events.map((e) => e.event.type)).toEqual(['message.created', 'message.created']);
      expect(await f.store.uploads.readableUpload(kept.id, b.id)).toEqual(kept);
    });

    it('lists orphans made before a time, oldest first, and deletes only those still unreferenced, once', async () => {
      const [a, b] = [await user('amy'), await user('bo')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      const old = await stored(upload(a.id, 10));
      const carried = await stored(upload(a.id, 20));
      const older = await stored(upload(b.id, 30, { createdAt: old.createdAt - 5000 }));
      const cutoff = f.tick();
      const young = await stored(upload(a.id, 40));
      await append([{ ...msg(group.id, a.id, 'c1', ''), kind: 'attachment', attachments: [attachment(carried)] }]);
      expect(await f.store.uploads.listOrphanUploads(cutoff, 10)).toEqual([older.id, old.id]);
      expect(await f.store.uploads.listOrphanUploads(cutoff, 1)).toEqual([older.id]);

      const [first, second] = await Promise.all([
        f.store.uploads.deleteUnreferencedUploads([old.id, carried.id, older.id]),
        f.store.uploads.deleteUnreferencedUploads([old.id, older.id]),
      ]);
      // Each deleted once (by one caller), the carried one kept.
      expect([...first, ...second].map((u) => u.id).sort()).toEqual([old.id, older.id].sort());
      expect(await f.store.uploads.getUpload(carried.id)).toEqual(carried);
      expect(await f.store.uploads.getUpload(young.id)).toEqual(young);
      expect(await f.store.uploads.uploadBytesUsed(a.id)).toBe(60);
      expect(await f.store.uploads.uploadBytesUsed(b.id)).toBe(0);
    });
  });
}
