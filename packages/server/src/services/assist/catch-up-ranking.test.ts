import { describe, expect, it } from 'vitest';
import { type SummaryMessage, sentencesOf, summarize, summarizeWith } from './catch-up-ranking.js';

let next = 0;
const m = (body: string, extra: Partial<SummaryMessage> = {}): SummaryMessage => ({
  id: `m${++next}`,
  seq: next,
  body,
  pinned: false,
  mentionsMe: false,
  ...extra,
});

/**
 * A busy stretch per language: chatter, a topic several people discuss, a decision with a date and
 * a message that mentions me. The summary must quote the decision and the mention, skip the
 * chatter, and quote only what was written.
 */
const fixtures: Record<string, { messages: SummaryMessage[]; must: string[]; never: string[] }> = {};
const build = (language: string, lines: string[], decision: string, mention: string, chatter: string[]) => {
  const messages = [
    ...chatter.slice(0, 2).map((c) => m(c)),
    ...lines.map((l) => m(l)),
    m(mention, { mentionsMe: true }),
    ...chatter.slice(2).map((c) => m(c)),
    m(decision),
  ];
  fixtures[language] = { messages, must: [decision, mention], never: chatter };
};
build(
  'English',
  [
    'The release build fails on the payment tests.',
    'The payment tests fail because the sandbox key expired.',
    'I can renew the sandbox key for the payment tests.',
  ],
  "We'll ship the release on Friday after the payment tests pass.",
  '@ana can you renew the sandbox key?',
  ['lol', 'ok', 'nice', 'brb'],
);
build(
  'Spanish',
  [
    'La compilación falla en las pruebas de pago.',
    'Las pruebas de pago fallan porque la clave del entorno caducó.',
    'Puedo renovar la clave del entorno de pruebas de pago.',
  ],
  'Decidimos publicar el viernes cuando pasen las pruebas de pago.',
  '@ana ¿puedes renovar la clave del entorno?',
  ['jaja', 'vale', 'genial', 'ok'],
);
build(
  'Russian',
  [
    'Сборка падает на тестах оплаты.',
    'Тесты оплаты падают, потому что ключ песочницы истёк.',
    'Я могу обновить ключ песочницы для тестов оплаты.',
  ],
  'Решили выпускать релиз в пятницу, когда тесты оплаты пройдут.',
  '@ana можешь обновить ключ песочницы?',
  ['ага', 'ок', 'круто', 'лол'],
);
build(
  'Japanese',
  [
    'リリースビルドが決済テストで失敗しています。',
    '決済テストはサンドボックスの鍵が期限切れで失敗しています。',
    '決済テストのサンドボックスの鍵を更新できます。',
  ],
  '決済テストが通ったら金曜日にリリースすることに決定しました。',
  '@ana サンドボックスの鍵を更新してください。',
  ['うん', '了解', 'いいね', 'はい'],
);
build(
  'Chinese',
  ['发布构建在支付测试上失败了。', '支付测试失败是因为沙箱密钥过期了。', '我可以更新支付测试的沙箱密钥。'],
  '我们决定支付测试通过后周五发布。',
  '@ana 请更新沙箱密钥。',
  ['哈哈', '好的', '收到', '嗯'],
);

describe('summarize', () => {
  for (const [language, { messages, must, never }] of Object.entries(fixtures)) {
    it(`${language}: quotes the decision and the mention of me, never the chatter, in the order written`, () => {
      const summary = summarize(messages);
      expect(summary.length).toBeLessThanOrEqual(5);
      for (const item of summary) expect(messages.find((x) => x.id === item.messageId)!.body).toContain(item.text);
      const texts = summary.map((s) => s.text);
      for (const text of must) expect(texts).toContain(text);
      for (const text of never) expect(texts).not.toContain(text);
      const order = summary.map((s) => messages.findIndex((x) => x.id === s.messageId));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    });
  }

  it('ranks a pinned message up, keeps one sentence per message and answers nothing for nothing', () => {
    const pinned = m('Budget notes are in the shared folder.', { pinned: true });
    const many = [
      m('Budget review. Budget review again.'),
      m('Budget review moved.'),
      m('budget review notes'),
      pinned,
      m('hello'),
      m('hi'),
      m('hey'),
      m('yo'),
    ];
    const summary = summarize(many);
    expect(summary.map((s) => s.messageId)).toContain(pinned.id);
    expect(new Set(summary.map((s) => s.messageId)).size).toBe(summary.length);
    expect(summarize([])).toEqual([]);
    expect(summarize([m('   ')])).toEqual([]);
  });

  it('cuts bodies into sentences as written, in spaced and unspaced scripts', () => {
    expect(sentencesOf('First one. Second one?\nThird')).toEqual(['First one.', 'Second one?', 'Third']);
    expect(sentencesOf('会议改到明天。请准备资料！')).toEqual(['会议改到明天。', '请准备资料！']);
    // Not inside a link, where the segmenter sees a question mark.
    expect(sentencesOf('Here are the notes: https://wiki.example.com/notes?id=42\nDone. Next?')).toEqual([
      'Here are the notes: https://wiki.example.com/notes?id=42',
      'Done.',
      'Next?',
    ]);
  });

  it('merges repeated sentences (case and punctuation aside) into one, quoting the first, and ranks a repeat up', () => {
    const first = m('The deploy is blocked on the database migration.');
    const stretch = [first];
    for (let i = 0; i < 40; i++) {
      stretch.push(m(i % 2 ? 'the deploy is blocked on the database migration' : 'The deploy is BLOCKED on the database migration!'));
      stretch.push(m(`Random chatter number ${i} about lunch plans`));
    }
    const summary = summarize(stretch);
    const quoting = summary.filter((s) => /deploy is blocked/iu.test(s.text));
    expect(quoting).toEqual([{ messageId: first.id, seq: first.seq, text: 'The deploy is blocked on the database migration.' }]);
    expect(summary.length).toBeLessThanOrEqual(5);
    for (const item of summary) expect(stretch.find((x) => x.id === item.messageId)!.body).toContain(item.text);
  });

  it('keeps the strongest boost of a repeat: a later repeat that mentions me (the mention aside, the same words) ranks the first up', () => {
    const first = m('Please check the new onboarding checklist');
    const others = Array.from({ length: 12 }, (_, i) => m(`Status update ${i}: the checklist review continues slowly`));
    const summary = summarize([first, ...others, m('@ana please check the new onboarding checklist', { mentionsMe: true })], 2);
    expect(summary.map((s) => s.messageId)).toEqual([first.id, others[0]!.id]);
    // A mention alone is a sentence of its own, not a repeat of every other mention.
    expect(summarize([m('@ana'), m('@bob')]).map((s) => s.text)).toEqual(['@ana', '@bob']);
  });

  it('keeps its contract over a dense stretch: 1000 messages drawn from a few sentences sharing most words', () => {
    const pool = Array.from({ length: 30 }, (_, i) => `team sync notes ${i % 5} release plan budget review item ${i}.`);
    const stretch = Array.from({ length: 1000 }, (_, i) => m(`${pool[i % 30]} ${i % 3 === 0 ? `Extra remark ${i}.` : ''}`.trim()));
    const summary = summarize(stretch);
    expect(summary.length).toBe(5);
    expect(new Set(summary.map((s) => s.messageId)).size).toBe(5);
    for (const item of summary) expect(stretch.find((x) => x.id === item.messageId)!.body).toContain(item.text);
    const order = summary.map((s) => s.seq);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('ranks by a given similarity when one is at hand, and by shared words when it fails', async () => {
    const stretch = [m('The build is red.'), m('CI fails on main.'), m('Tests are broken on the main branch.'), m('Lunch at noon?')];
    // A similarity that finds the three build sentences alike though they share few words.
    const alike = async () => (i: number, j: number) => (i < 3 && j < 3 ? 0.9 : 0);
    const withModel = await summarizeWith(stretch, alike, () => {}, 3);
    expect(withModel.map((s) => s.text)).toEqual(['The build is red.', 'CI fails on main.', 'Tests are broken on the main branch.']);
    const errors: unknown[] = [];
    const failed = await summarizeWith(
      stretch,
      () => Promise.reject(new Error('model down')),
      (e) => errors.push(e),
      3,
    );
    expect(errors).toHaveLength(1);
    expect(failed).toEqual(summarize(stretch, 3));
  });
});
