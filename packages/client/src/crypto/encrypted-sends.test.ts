import { describe, expect, it } from 'vitest';
import { encryptedSendOf } from './encrypted-sends.js';
import type { EncryptedFileRef } from './file-crypto.js';

const refOf = (uploadId: string): EncryptedFileRef => ({
  uploadId,
  key: 'k',
  iv: 'i',
  sha256: 'h',
  name: `${uploadId}.png`,
  type: 'image/png',
  size: 3,
});

describe('a send with files into an encrypted conversation', () => {
  const known = new Map([
    ['u1', refOf('u1')],
    ['u2', refOf('u2')],
  ]);
  const refsOf = (ids: readonly string[]) => ids.map((id) => known.get(id) ?? refOf('never'));

  it('puts the files’ refs inside with the caption as the text, and their upload ids beside', () => {
    expect(encryptedSendOf('cap', { attachmentIds: ['u2', 'u1'], replyToId: 'm1' }, refsOf)).toEqual({
      content: { text: 'cap', files: [refOf('u2'), refOf('u1')] },
      links: { replyToId: 'm1', attachmentIds: ['u2', 'u1'] },
    });
    // kind 'attachment' is the same send; no caption is an empty text, as sendEncryptedFiles sends it.
    expect(encryptedSendOf(undefined, { kind: 'attachment', attachmentIds: ['u1'] }, refsOf)).toEqual({
      content: { text: '', files: [refOf('u1')] },
      links: { attachmentIds: ['u1'] },
    });
    // A voice message has no encrypted form here: the server refuses it, as before.
    expect(encryptedSendOf(undefined, { kind: 'voice', attachmentIds: ['u1'] }, refsOf)).toBeUndefined();
    // A text without files goes with its links, as before.
    expect(encryptedSendOf('hi', { kind: 'text', attachmentIds: [], threadRootId: 't1' }, refsOf)).toEqual({
      content: { text: 'hi' },
      links: { threadRootId: 't1' },
    });
  });
});
