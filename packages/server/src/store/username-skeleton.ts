import { usernameKey } from '@confab/protocol';
import unhomoglyph from 'unhomoglyph';

/**
 * What a username looks like, for telling look-alikes apart: Unicode's confusable skeleton (UTS
 * #39, section 4: NFD, each character replaced by its prototype in confusables.txt, NFD again)
 * of the case-folded key, so "copex123456" and an all-Cyrillic "сорех123456" (each of one
 * script, so both pass the mixed-script rule) share one skeleton, "copexl23456". Unique in the
 * store beside the key: the second of two look-alikes is `username_taken`. The prototypes come
 * from `unhomoglyph` (confusables.txt as data).
 */
export const usernameSkeleton = (username: string): string => unhomoglyph(usernameKey(username).normalize('NFD')).normalize('NFD');
