import { describe, expect, it } from 'vitest';
import { detectAsk, isQuestion } from './asks.js';

/** One table per language: what asks (and the words that tell), and ordinary chat that does not. */
const cases: Record<string, { asks: [string, 'question' | 'request', string[]][]; not: string[] }> = {
  English: {
    asks: [
      ['Can you review my PR?', 'request', ['Can you', '?']],
      ['please send the slides', 'request', ['please']],
      ['Where is the meeting', 'question', ['Where']],
      ['Lunch at noon. What do you think', 'question', ['What']],
      ['ok?', 'question', ['?']],
    ],
    not: ['Thanks, that works', 'I know what you mean', 'See https://example.com/search?q=chat', 'Use `a ? b : c` here'],
  },
  Spanish: {
    asks: [
      ['¿Puedes revisar esto?', 'request', ['Puedes', '¿', '?']],
      ['Mándame el informe por favor', 'request', ['por favor']],
      ['¿Dónde está la reunión?', 'question', ['Dónde', '¿', '?']],
      ['Cómo vas con el informe', 'question', ['Cómo']],
    ],
    not: ['Gracias, perfecto', 'Cuando llegues te llamo', 'Muy bien, nos vemos mañana.'],
  },
  Russian: {
    asks: [
      ['Можешь посмотреть мой код?', 'request', ['Можешь', '?']],
      ['Пришли отчёт, пожалуйста', 'request', ['пожалуйста']],
      ['Где встреча', 'question', ['Где']],
      ['Знаешь ли ты ответ', 'question', ['ли']],
    ],
    not: ['Спасибо, всё работает', 'Отличная идея', 'Я уже отправил'],
  },
  Japanese: {
    asks: [
      ['資料を送ってください', 'request', ['ください']],
      ['確認をお願いします', 'request', ['お願いします']],
      ['会議はいつですか', 'question', ['ですか', 'いつ']],
      ['明日来ますか？', 'question', ['ますか', '？']],
    ],
    not: ['ありがとうございます', '了解しました。', '静かな夜でした'],
  },
  Chinese: {
    asks: [
      ['请把报告发给我', 'request', ['请']],
      ['你能不能帮我看看', 'request', ['能不能', '帮我']],
      ['你明天来吗', 'question', ['吗']],
      ['会议在哪里？', 'question', ['哪里', '？']],
      ['为什么失败了', 'question', ['为什么']],
    ],
    not: ['谢谢，收到了', '好的，没问题', '我们明天见'],
  },
};

describe('detectAsk', () => {
  for (const [language, { asks, not }] of Object.entries(cases)) {
    it(`${language}: finds questions and requests, with their words, and leaves ordinary messages`, () => {
      for (const [text, kind, evidence] of asks) expect(detectAsk(text), text).toEqual({ kind, evidence });
      for (const text of not) expect(detectAsk(text), text).toBeNull();
    });
  }

  it('counts a request with a question mark as a question, a bare request not', () => {
    expect(isQuestion('Could you check?')).toBe(true);
    expect(isQuestion('please check')).toBe(false);
    expect(isQuestion('谁来？')).toBe(true);
  });
});
