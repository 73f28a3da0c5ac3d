import { isUsername } from '@confab/protocol';
import { describe, expect, it } from 'vitest';
import { usernameSkeleton } from './username-skeleton.js';

describe('username skeletons (UTS #39 confusables)', () => {
  it('gives one-script look-alikes the same skeleton', () => {
    // Each passes the one-script rule on its own: the skeleton is what tells them apart.
    for (const [a, b] of [
      ['copex123456', 'сорех123456'], // Latin, all Cyrillic
      ['pavel', 'раvеl'.normalize()],
      ['ocean', 'осеаn'],
      ['Copex123456', 'COPEX123456'], // and case, as the key folds it
      ['admin', 'ａｄｍｉｎ'], // NFKC
    ]) {
      expect(isUsername(a!), a).toBe(true);
      expect(usernameSkeleton(a!), `${a} ~ ${b}`).toBe(usernameSkeleton(b!));
    }
  });

  it('keeps names that only differ visibly apart', () => {
    expect(usernameSkeleton('alice')).not.toBe(usernameSkeleton('alicf'));
    expect(usernameSkeleton('émile')).not.toBe(usernameSkeleton('emile'));
    expect(usernameSkeleton('борис')).not.toBe(usernameSkeleton('boris'));
  });
});
