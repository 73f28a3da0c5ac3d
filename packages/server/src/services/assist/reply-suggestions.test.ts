import { describe, expect, it } from 'vitest';
import type { ReplyPairRecord } from '../../store/store.js';
import { findDateMention } from './date-mentions.js';
import { languageOf, scheduleLabel, similarReplies, yesNoAnswers } from './reply-suggestions.js';

const pair = (promptBody: string, replyBody: string): ReplyPairRecord => ({ promptBody, replyBody, conversationId: 'c', repliedAt: 0 });

const HISTORY = [
  pair('Can you review my pull request?', 'Sure, looking now'),
  pair('could you review the pull request for the login page', 'On it 👀'),
  pair('Lunch today?', 'Yes! 12:30?'),
  pair('The build is red again', 'I’ll check the CI logs'),
  pair('¿Puedes revisar el informe?', 'Claro, ahora lo miro'),
  pair('Можешь посмотреть отчёт?', 'Да, посмотрю после обеда'),
  pair('このバグを確認してもらえますか', '確認します'),
  pair('你能看一下这个报告吗', '好的，我马上看'),
  pair('Thanks for the help', 'Anytime!'),
  pair('Here is the doc https://docs.example/x', 'Read it, see https://docs.example/y for my notes'),
];

describe('reply suggestions', () => {
  it('finds my replies to similar messages, best first, in any language', () => {
    expect(similarReplies('Could you review my pull request please?', HISTORY)).toEqual(['Sure, looking now', 'On it 👀']);
    expect(similarReplies('¿Puedes revisar el informe de ayer?', HISTORY)).toEqual(['Claro, ahora lo miro']);
    expect(similarReplies('Можешь посмотреть отчёт сегодня?', HISTORY)).toEqual(['Да, посмотрю после обеда']);
    expect(similarReplies('你能看一下这个报告吗？', HISTORY)).toEqual(['好的，我马上看']);
    expect(similarReplies('このバグを確認してもらえますか？', HISTORY)).toEqual(['確認します']);
  });

  it('with a model, also offers replies to prompts it finds alike without shared words, and blends the order', () => {
    const history = [
      pair('When do we deploy?', 'Friday after the freeze'),
      pair('Is lunch ready?', 'Five minutes'),
      pair('Has the release shipped?', 'Not before Friday'),
    ];
    // BM25 alone: "When is the launch?" shares one word with each (too few of its words).
    expect(similarReplies('When is the launch?', history)).toEqual([]);
    // The model finds the first and third alike (0.9, 0.85), not the second (0.1): both offered, most alike first.
    expect(similarReplies('When is the launch?', history, 3, { of: [0.9, 0.1, 0.85], min: 0.75 })).toEqual([
      'Friday after the freeze',
      'Not before Friday',
    ]);
    // A prompt BM25 finds is kept whatever the model says, and one both find comes first.
    expect(similarReplies('Has the release shipped yet?', history, 3, { of: [0.2, 0.1, 0.3], min: 0.75 })).toEqual(['Not before Friday']);
    expect(similarReplies('Has the release shipped yet?', history, 3, { of: [0.95, 0.1, 0.9], min: 0.75 })).toEqual([
      'Not before Friday',
      'Friday after the freeze',
    ]);
    // Below the model's threshold nothing is added: still empty rather than generic.
    expect(similarReplies('When is the launch?', history, 3, { of: [0.7, 0.1, 0.7], min: 0.75 })).toEqual([]);
  });

  it('is empty rather than generic when nothing fits, and never offers a long or linked reply', () => {
    expect(similarReplies('The quarterly budget spreadsheet is attached', HISTORY)).toEqual([]);
    expect(similarReplies('', HISTORY)).toEqual([]);
    expect(similarReplies('review pull request', [])).toEqual([]);
    expect(similarReplies('Here is the doc https://docs.example/z', HISTORY)).toEqual([]);
    const long = [...HISTORY, pair('deploy status?', 'x'.repeat(81)), pair('deploy status now?', 'Deployed')];
    expect(similarReplies('deploy status?', long)).toEqual(['Deployed']);
  });

  it('offers the same reply once, at most three', () => {
    const many = [...HISTORY, ...Array.from({ length: 6 }, (_, i) => pair(`standup notes ${i}`, i % 2 ? 'Thanks!' : `Noted ${i}`))];
    expect(similarReplies('standup notes', many)).toEqual(['Noted 0', 'Thanks!', 'Noted 2']);
  });

  it('answers a yes/no question with Yes/No in its language, and not a question with a question word or a choice', () => {
    expect(yesNoAnswers('Are you coming to the demo?')).toEqual(['Yes', 'No']);
    expect(yesNoAnswers('¿Vienes mañana?')).toEqual(['Sí', 'No']);
    expect(yesNoAnswers('Ты придёшь завтра?')).toEqual(['Да', 'Нет']);
    expect(yesNoAnswers('明日来ますか？')).toEqual(['はい', 'いいえ']);
    expect(yesNoAnswers('你明天来吗？')).toEqual(['是的', '不是']);
    expect(yesNoAnswers('Kommst du morgen?')).toEqual(['Ja', 'Nein']);
    expect(yesNoAnswers('Tu viens demain ?')).toEqual(['Oui', 'Non']);
    expect(yesNoAnswers('When is the demo?')).toBeUndefined();
    expect(yesNoAnswers('¿Dónde está el informe?')).toBeUndefined();
    expect(yesNoAnswers('Где отчёт?')).toBeUndefined();
    expect(yesNoAnswers('何時に来ますか？')).toBeUndefined();
    expect(yesNoAnswers('你什么时候来？')).toBeUndefined();
    expect(yesNoAnswers('Tea or coffee?')).toBeUndefined();
    expect(yesNoAnswers('The demo went well.')).toBeUndefined();
  });

  it('names the language of a message among those it speaks', () => {
    expect(languageOf('Is this ready?')).toBe('en');
    expect(languageOf('¿Está listo?')).toBe('es');
    expect(languageOf('Готово?')).toBe('ru');
    expect(languageOf('準備できましたか')).toBe('ja');
    expect(languageOf('准备好了吗')).toBe('zh');
    expect(languageOf('Ist das fertig?')).toBe('de');
    expect(languageOf('Est-ce que c’est prêt ?')).toBe('fr');
    expect(languageOf('👍')).toBeUndefined();
  });
});

describe('date mentions', () => {
  // Thursday 26 November 2026, 10:00 in Madrid (09:00 UTC).
  const written = Date.UTC(2026, 10, 26, 9, 0);
  const madrid = 'Europe/Madrid';
  const at = (text: string, zone = madrid) => findDateMention(text, written, zone);

  it('reads a day and a time in seven languages, in the reader’s time zone', () => {
    expect(at('Demo tomorrow at 3pm?')).toMatchObject({
      at: new Date(Date.UTC(2026, 10, 27, 14, 0)),
      text: 'tomorrow at 3pm',
      hasTime: true,
    });
    expect(at('¿Nos vemos mañana a las 15:30?')?.at).toEqual(new Date(Date.UTC(2026, 10, 27, 14, 30)));
    expect(at('Созвон завтра в 11:00')?.at).toEqual(new Date(Date.UTC(2026, 10, 27, 10, 0)));
    expect(at('明日の午後3時に会議')?.at).toEqual(new Date(Date.UTC(2026, 10, 27, 14, 0)));
    expect(at('明天下午3点开会')?.at).toEqual(new Date(Date.UTC(2026, 10, 27, 14, 0)));
    expect(at('Treffen morgen um 15 Uhr')?.at).toEqual(new Date(Date.UTC(2026, 10, 27, 14, 0)));
    expect(at('Réunion demain à 15h30')?.at).toEqual(new Date(Date.UTC(2026, 10, 27, 14, 30)));
  });

  it('a weekday is the next one; a day alone is at 09:00; a time alone is today’s, or tomorrow’s once passed', () => {
    expect(at('Let’s do it on Monday')).toMatchObject({ at: new Date(Date.UTC(2026, 10, 30, 8, 0)), hasTime: false });
    expect(at('See you at 8:00')?.at).toEqual(new Date(Date.UTC(2026, 10, 27, 7, 0)));
    expect(at('See you at 17:00')?.at).toEqual(new Date(Date.UTC(2026, 10, 26, 16, 0)));
    expect(at('Release on 2026-12-03')?.at).toEqual(new Date(Date.UTC(2026, 11, 3, 8, 0)));
    expect(at('Demo tomorrow at 3pm', 'America/New_York')?.at).toEqual(new Date(Date.UTC(2026, 10, 27, 20, 0)));
  });

  it('finds nothing where nothing names a time', () => {
    expect(at('The build is red again')).toBeUndefined();
    expect(at('see https://example.com/tomorrow/15:30')).toBeUndefined();
    expect(at('version 25:99 is out')).toBeUndefined();
  });

  it('labels the chip in the conversation’s language', () => {
    const when = new Date(Date.UTC(2026, 10, 27, 14, 0));
    expect(scheduleLabel('en', when, madrid, true)).toMatch(/^Schedule for Nov 27, 2026, 3:00\s?PM$/u);
    expect(scheduleLabel('es', when, madrid, false)).toMatch(/^Programar para 27 nov 2026$/u);
    expect(scheduleLabel('ja', when, madrid, false)).toMatch(/^2026\/11\/27に予定を入れる$/u);
  });
});
