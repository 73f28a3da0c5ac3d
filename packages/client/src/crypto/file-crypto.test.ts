import { describe, expect, it } from 'vitest';
import { FileDecryptError, decryptFile, encryptFile } from './file-crypto.js';

const plain = new TextEncoder().encode('a photo, say: '.repeat(100));

describe('file crypto (AES-256-GCM, hash of the ciphertext)', () => {
  it('round-trips a file, under a fresh key and IV each time, and the ciphertext is not the plaintext', async () => {
    const a = await encryptFile(plain, 'photo.jpg', 'image/jpeg');
    const b = await encryptFile(plain, 'photo.jpg', 'image/jpeg');
    expect(a.ref).toMatchObject({ name: 'photo.jpg', type: 'image/jpeg', size: plain.byteLength });
    expect(a.ciphertext.byteLength).toBe(plain.byteLength + 16); // the GCM tag
    expect(a.ref.key).not.toBe(b.ref.key);
    expect(a.ref.iv).not.toBe(b.ref.iv);
    expect(Buffer.from(a.ciphertext).includes(Buffer.from('a photo'))).toBe(false);
    expect(await decryptFile(a.ciphertext, a.ref)).toEqual(plain);
  });

  it('refuses a ciphertext changed by one bit (its hash differs) before decrypting', async () => {
    const { ciphertext, ref } = await encryptFile(plain, 'f', 'text/plain');
    const tampered = ciphertext.slice();
    tampered[10]! ^= 1;
    await expect(decryptFile(tampered, ref)).rejects.toMatchObject({ name: 'FileDecryptError', code: 'hash_mismatch' });
  });

  it('refuses a tampered ciphertext even when the hash was changed to match it (the GCM tag)', async () => {
    const { ciphertext, ref } = await encryptFile(plain, 'f', 'text/plain');
    const tampered = ciphertext.slice();
    tampered[0]! ^= 0x80;
    const sha = new Uint8Array(await crypto.subtle.digest('SHA-256', tampered));
    const sha256 = Buffer.from(sha).toString('base64url');
    const error = await decryptFile(tampered, { ...ref, sha256 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileDecryptError);
    expect((error as FileDecryptError).code).toBe('decrypt_failed');
  });

  it('refuses a wrong key, and a malformed key or IV', async () => {
    const { ciphertext, ref } = await encryptFile(plain, 'f', 'text/plain');
    const other = await encryptFile(plain, 'f', 'text/plain');
    await expect(decryptFile(ciphertext, { ...ref, key: other.ref.key })).rejects.toMatchObject({ code: 'decrypt_failed' });
    await expect(decryptFile(ciphertext, { ...ref, iv: 'AAAA' })).rejects.toMatchObject({ code: 'bad_ref' });
  });

  it('encrypts an empty file', async () => {
    const { ciphertext, ref } = await encryptFile(new Uint8Array(0), 'empty', 'text/plain');
    expect(ref.size).toBe(0);
    expect(await decryptFile(ciphertext, ref)).toEqual(new Uint8Array(0));
  });
});
