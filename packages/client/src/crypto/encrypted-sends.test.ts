import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.js';
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
    // A text without files goes with its links, as before.
    expect(encryptedSendOf('hi', { kind: 'text', attachmentIds: [], threadRootId: 't1' }, refsOf)).toEqual({
      content: { text: 'hi' },
      links: { threadRootId: 't1' },
    });
  });
});

describe('a voice note into an encrypted conversation', () => {
  const audio: EncryptedFileRef = { ...refOf('a1'), name: 'voice-note.webm', type: 'audio/webm' };
  const known = new Map([
    ['a1', audio],
    ['i1', refOf('i1')],
  ]);
  const refsOf = (ids: readonly string[]) => ids.map((id) => known.get(id)!);
  const voice = { durationMs: 4200, waveform: [0, 128, 255] };

  it('puts the audio’s ref and the player data inside, the upload id and the thread beside', () => {
    expect(encryptedSendOf(undefined, { kind: 'voice', attachmentIds: ['a1'], voice, threadRootId: 't1' }, refsOf)).toEqual({
      content: { files: [audio], voice },
      links: { threadRootId: 't1', attachmentIds: ['a1'] },
    });
  });

  it('refuses what the server refuses of a plain note, with its code and field, before encrypting anything', () => {
    const refused = (body: string | undefined, links: Parameters<typeof encryptedSendOf>[1]) => {
      try {
        encryptedSendOf(body, links, refsOf);
      } catch (error) {
        expect(error).toBeInstanceOf(ApiError);
        const { status, code, message } = error as ApiError;
        return { status, code, path: '/' + message.split(' ')[0]! };
      }
      throw new Error('not refused');
    };
    const invalid = (path: string) => ({ status: 400, code: 'validation_failed', path });
    expect(refused(undefined, { kind: 'voice', attachmentIds: ['a1'] })).toEqual(invalid('/voice'));
    expect(refused(undefined, { kind: 'voice', attachmentIds: ['a1'], voice: { durationMs: -1, waveform: [] } })).toEqual(
      invalid('/voice'),
    );
    expect(refused(undefined, { kind: 'voice', attachmentIds: ['a1'], voice: { durationMs: 1, waveform: [256] } })).toEqual(
      invalid('/voice'),
    );
    const long = { durationMs: 1, waveform: Array.from({ length: 129 }, () => 1) };
    expect(refused(undefined, { kind: 'voice', attachmentIds: ['a1'], voice: long })).toEqual(invalid('/voice'));
    expect(refused(undefined, { kind: 'voice', attachmentIds: ['a1', 'i1'], voice })).toEqual(invalid('/attachmentIds'));
    expect(refused(undefined, { kind: 'voice', voice })).toEqual(invalid('/attachmentIds'));
    expect(refused('words', { kind: 'voice', attachmentIds: ['a1'], voice })).toEqual(invalid('/body'));
    expect(refused(undefined, { kind: 'voice', attachmentIds: ['i1'], voice })).toEqual(invalid('/attachmentIds/0'));
  });
});
