import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { Passwords } from './passwords.js';

describe('Passwords', () => {
  const passwords = new Passwords({ memoryKib: 19_456, timeCost: 2 });

  it('hashes with argon2id at the parameters given, and verifies', async () => {
    const stored = await passwords.hash('tröstlich ünd lang');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await passwords.verify(stored, 'tröstlich ünd lang')).toBe(true);
    expect(await passwords.verify(stored, 'tröstlich und lang')).toBe(false);
    expect(await passwords.verify('', 'anything')).toBe(false); // an erased account's
  });

  it('asks for a rehash when the stored parameters are weaker than today’s or not argon2id', async () => {
    expect(passwords.needsRehash(await passwords.hash('x'))).toBe(false);
    expect(passwords.needsRehash(await hash('x', { memoryCost: 8192, timeCost: 2, parallelism: 1 }))).toBe(true);
    expect(passwords.needsRehash(await hash('x', { memoryCost: 19_456, timeCost: 1, parallelism: 1 }))).toBe(true);
    expect(new Passwords({ memoryKib: 19_456, timeCost: 3 }).needsRehash(await passwords.hash('x'))).toBe(true);
    expect(passwords.needsRehash(await hash('x', { algorithm: 0, memoryCost: 19_456, timeCost: 2 }))).toBe(true); // argon2d
    expect(passwords.needsRehash('not a hash')).toBe(true);
  });

  it('refuses the 10,000 most common passwords ignoring case, and nothing else for what it is made of', () => {
    for (const common of ['password', 'PASSWORD', '12345678', 'qwertyuiop', 'Sunshine'])
      expect(() => passwords.checkNew(common, '/password'), common).toThrow(AppError);
    for (const fine of ['correct horse battery', 'ééééééééé', '🙂🙂🙂🙂🙂🙂🙂🙂', 'aaaaaaaa!'.repeat(2)])
      expect(() => passwords.checkNew(fine, '/password'), fine).not.toThrow();
    const refusal = (() => {
      try {
        passwords.checkNew('iloveyou', '/newPassword');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toMatchObject({ code: 'validation_failed', details: [{ path: '/newPassword', params: { reason: 'common' } }] });
  });
});
