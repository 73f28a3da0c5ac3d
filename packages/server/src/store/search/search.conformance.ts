import { describe, expect, it } from 'vitest';
import type { MessageSearch } from '../store.js';
import { searchTerms } from '../search-tokens.js';
import { drafts, type Fixture } from '../conformance/fixtures.js';
import { settingsDraft } from '../members/member-settings.conformance.js';

/**
 * Full-text search (docs/search.md): both engines find the same messages for the same words,
 * newest first, and forget a change in the transaction that makes it.
 */
export function describeSearch(f: Fixture): void {
  const { user, conversation, append, msg } = f;
  const group = async (...names: string[]) => {
    const users = await Promise.all(names.map((n) => user(n)));
    const conv = (
      await conversation(
        'group',
        users.map((u) => u.id),
      )
    ).conversation;
    return { users, conv };
  };
  const find = async (userId: string, q: string, more: Partial<MessageSearch> = {}) =>
    (await f.store.search.searchMessages({ userId, terms: searchTerms(q), limit: 50, ...more })).map((h) => h.message.body);

  describe('search', () => {
    it('finds every word in any case, Latin letters without their accents, and the last word by prefix', async () => {
      const {
        users: [a],
        conv,
      } = await group('sea', 'seb');
      const bodies = [
        'Café au lait',
        'the naïve CAFE owner',
        'Καλημέρα κόσμε',
        'Ёлка и йогурт',
        '東京タワー night view',
        'cafeteria lunch',
      ];
      await append(bodies.map((body, i) => msg(conv.id, a!.id, `s${i}`, body)));
      expect(await find(a!.id, 'cafe ')).toEqual(['the naïve CAFE owner', 'Café au lait']);
      expect(await find(a!.id, 'CAFÉ')).toEqual(['cafeteria lunch', 'the naïve CAFE owner', 'Café au lait']);
      expect(await find(a!.id, 'naive owner ')).toEqual(['the naïve CAFE owner']);
      expect(await find(a!.id, 'owner naive ')).toEqual(['the naïve CAFE owner']);
      expect(await find(a!.id, 'καλημέρα ')).toEqual(['Καλημέρα κόσμε']);
      expect(await find(a!.id, 'ΚΌΣΜΕ ')).toEqual(['Καλημέρα κόσμε']);
      expect(await find(a!.id, 'ёлка йогу')).toEqual(['Ёлка и йогурт']);
      // CJK has no spaces: a run is found whole, by its beginning, or by any part of two characters or more.
      expect(await find(a!.id, '東京タワー ')).toEqual(['東京タワー night view']);
      expect(await find(a!.id, '東京')).toEqual(['東京タワー night view']);
      expect(await find(a!.id, 'タワー ')).toEqual(['東京タワー night view']);
      expect(await find(a!.id, 'タワ京 ')).toEqual([]);
      expect(await find(a!.id, 'lunch cafe')).toEqual(['cafeteria lunch']);
      expect(await find(a!.id, 'lunch tea ')).toEqual([]);
    });

    it('finds words in every language: segmented, stemmed, without their particles, in mixed scripts', async () => {
      const {
        users: [a],
        conv,
      } = await group('sla', 'slb');
      const bodies = {
        ja: '明日の会議は十時からです',
        jaRoom: '会議室を予約しました',
        zh: '我们明天在上海开会',
        ko: '회의는 내일입니다',
        koRoom: '회의실에서 만나요',
        th: 'ประชุมพรุ่งนี้สิบโมง',
        ru: 'встреча в пятницу',
        de: 'Die Häuser sind groß',
        deHaus: 'Das Haus am See',
        deCompound: 'Die Donaudampfschifffahrt fährt',
        fr: "L'équipe arrive demain matin",
        es: 'Las canciones de la mañana',
        tr: 'Evlerimizden çıktık hemen',
        ar: 'ذهبت إلى المكتبة الجديدة',
        en: 'The meetings were running late',
        mixed: 'Meeting in 東京 at 10時 🎉🎉',
      };
      await append(Object.values(bodies).map((body, i) => msg(conv.id, a!.id, `l${i}`, body)));
      const expectations: [string, string[]][] = [
        // Japanese and Chinese words inside a sentence, and any two characters of a run.
        ['会議 ', [bodies.jaRoom, bodies.ja]],
        ['十時 ', [bodies.ja]],
        ['会議室 ', [bodies.jaRoom]],
        ['予約 ', [bodies.jaRoom]],
        ['上海 ', [bodies.zh]],
        ['开会 ', [bodies.zh]],
        // Korean: a particle or copula ending stripped (회의는 → 회의), a compound by its part.
        ['회의 ', [bodies.koRoom, bodies.ko]],
        ['내일 ', [bodies.ko]],
        ['회의는 ', [bodies.koRoom, bodies.ko]],
        // Thai has no spaces: the segmenter's words.
        ['ประชุม ', [bodies.th]],
        ['พรุ่งนี้ ', [bodies.th]],
        // Inflected forms meet at their stem.
        ['пятница ', [bodies.ru]],
        ['встречи ', [bodies.ru]],
        ['Häuser ', [bodies.deHaus, bodies.de]],
        ['Haus ', [bodies.deHaus, bodies.de]],
        ['arriver ', [bodies.fr]],
        ['equipe ', [bodies.fr]],
        ['canción ', [bodies.es]],
        ['manana ', [bodies.es]],
        ['evler ', [bodies.tr]],
        ['مكتبة ', [bodies.ar]],
        ['run ', [bodies.en]],
        ['meeting ', [bodies.mixed, bodies.en]],
        // A German compound is one word: found whole or by its beginning, not by a later part.
        ['donaudampfschifffahrt ', [bodies.deCompound]],
        ['donaudampf', [bodies.deCompound]],
        ['schifffahrt ', []],
        // Mixed scripts, emoji between words (emoji are not words).
        ['東京 meeting ', [bodies.mixed]],
        ['meeting 🎉 東京', [bodies.mixed]],
        // Several words: every one must be there, in any order.
        ['meetings were running ', [bodies.en]],
        ['running meetings ', [bodies.en]],
        ['running 会議 ', []],
        // The last word as a prefix, in any script.
        ['встре', [bodies.ru]],
        ['canci', [bodies.es]],
        // (A Thai word cut short is cut again by the segmenter, ประชุ → ประ + ชุ: no hit; a whole word then a prefix is.)
        ['ประชุ', []],
        ['ประชุม พรุ่', [bodies.th]],
      ];
      for (const [q, expected] of expectations) expect(await find(a!.id, q), q).toEqual(expected);
    });

    it('never reads syntax in what is typed', async () => {
      const {
        users: [a],
        conv,
      } = await group('sya', 'syb');
      await append([msg(conv.id, a!.id, 'x1', 'NEAR OR AND NOT body:"x" a & b | !c <-> d:* \\ \'quoted\'')]);
      for (const q of ['NEAR', 'OR ', 'body x', '"quoted', "'quoted'", 'd:*', 'c <->']) {
        expect(await find(a!.id, q), q).toHaveLength(1);
      }
      expect(await find(a!.id, 'OR missing ')).toEqual([]);
    });

    it("keeps to the searcher's conversations, after what they cleared, without deleted or system messages", async () => {
      const {
        users: [a, b],
        conv,
      } = await group('swa', 'swb');
      const other = (await group('swc', 'swd')).conv;
      const [old, kept, gone] = await append([
        msg(conv.id, a!.id, 'w1', 'secret plan one'),
        msg(conv.id, a!.id, 'w2', 'secret plan two'),
        msg(conv.id, b!.id, 'w3', 'secret plan three'),
      ]);
      await append([msg(other.id, a!.id, 'w4', 'secret plan elsewhere')]);
      expect(await find(a!.id, 'secret plan ')).toEqual(['secret plan three', 'secret plan two', 'secret plan one']);
      await f.store.members.updateMemberSettings(conv.id, a!.id, { clear: true }, settingsDraft(a!.id));
      await append([msg(conv.id, b!.id, 'w5', 'secret plan four')]);
      expect(await find(a!.id, 'secret')).toEqual(['secret plan four']);
      expect(await find(b!.id, 'secret')).toHaveLength(4);
      await f.update(gone!.message.id, () => ({ body: '', deletedAt: f.tick(), erase: true }), drafts.messageDeleted);
      expect(await find(b!.id, 'secret')).toEqual(['secret plan four', 'secret plan two', 'secret plan one']);
      expect(await find(b!.id, 'three')).toEqual([]);
      await f.removeMember(conv.id, b!.id, a!.id);
      expect(await find(b!.id, 'secret')).toEqual([]);
      expect(old!.message.id).not.toBe(kept!.message.id);
    });

    it('forgets an edited-away word and learns the new one in the same transaction', async () => {
      const {
        users: [a],
        conv,
      } = await group('sea2', 'seb2');
      const [sent] = await append([msg(conv.id, a!.id, 'e1', 'meet at the harbour')]);
      await f.update(
        sent!.message.id,
        () => ({ body: 'meet at the station', editedAt: f.tick(), keepVersion: true }),
        drafts.messageUpdated,
      );
      expect(await find(a!.id, 'harbour ')).toEqual([]);
      expect(await find(a!.id, 'station ')).toEqual(['meet at the station']);
    });

    it('filters by conversation, sender and time, and pages newest first by key', async () => {
      const {
        users: [a, b],
        conv,
      } = await group('sfa', 'sfb');
      const other = (await group('sfc', 'sfd')).conv;
      await f.addMember(other.id, a!.id, 'x');
      // One commit each: within a commit, the engines' keys may order messages of several conversations differently.
      const at: number[] = [];
      for (const [c, s, body] of [
        [conv, a, 'report one'],
        [conv, b, 'report two'],
        [other, a, 'report three'],
        [conv, a, 'report four'],
      ] as const) {
        at.push((await append([msg(c.id, s!.id, body.replace(' ', '-'), body)]))[0]!.message.createdAt);
      }
      expect(await find(a!.id, 'report', { conversationId: conv.id })).toEqual(['report four', 'report two', 'report one']);
      expect(await find(a!.id, 'report', { senderId: b!.id })).toEqual(['report two']);
      expect(await find(a!.id, 'report', { after: at[0]!, before: at[3]! })).toEqual(['report three', 'report two']);
      const hits = await f.store.search.searchMessages({ userId: a!.id, terms: searchTerms('report'), limit: 2 });
      expect(hits.map((h) => h.message.body)).toEqual(['report four', 'report three']);
      expect(await find(a!.id, 'report', { below: hits[1]!.key })).toEqual(['report two', 'report one']);
      expect(await find(a!.id, 'report', { upTo: hits[1]!.key })).toEqual(['report three', 'report two', 'report one']);
      expect(await find(a!.id, 'report', { upTo: hits[0]!.key, from: hits[1]!.key })).toEqual(['report four', 'report three']);
    });

    it('lists my conversations with their names: a title, or the other member of a direct one', async () => {
      const [a, b, c] = [await user('sna', 'Ana Lima'), await user('snb', 'Bea Ruiz'), await user('snc')];
      const dm = (await conversation('direct', [a.id, b.id], [a.id, b.id].sort().join(':'))).conversation;
      const grp = (await conversation('group', [a.id, c.id])).conversation;
      await conversation('group', [b.id, c.id]);
      const names = await f.store.search.listConversationNames(a.id);
      expect(names.sort((x, y) => (x.kind < y.kind ? -1 : 1))).toEqual([
        {
          conversationId: dm.id,
          kind: 'direct',
          title: null,
          lastActivityAt: dm.lastActivityAt,
          peerUsername: 'snb',
          peerDisplayName: 'Bea Ruiz',
        },
        {
          conversationId: grp.id,
          kind: 'group',
          title: 'Group',
          lastActivityAt: grp.lastActivityAt,
          peerUsername: null,
          peerDisplayName: null,
        },
      ]);
    });
  });
}
