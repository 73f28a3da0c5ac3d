import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatchUp, Message } from '@confab/protocol';
import { seeded } from '../../src/services/assist/spam-corpus.test-fixture.js';
import { engines } from '../engines.js';
import { createGroup, registerUsers } from '../factories.js';
import { type TestServer, type TestUser, api } from '../harness.js';

/**
 * Issue 40: what catch-up costs for 500 unread messages. A group of six; five write 500 messages
 * (one to three sentences each, in English, Spanish, Russian, Japanese and Chinese, with questions,
 * decisions, links and mentions of the reader), who has read none; then the reader asks for the
 * catch-up 100 times in a row, each timed over HTTP (p50, p99). Every engine. Run by hand:
 * `CONFAB_MEASURE=1 CONFAB_REQUIRE_SERVICES=1 npx vitest run packages/server/test/bench/assist-catch-up.test.ts`.
 */
const UNREAD = 500;
const CALLS = 100;

const SENTENCES = [
  'The build on main is red again after the merge.',
  'We decided to ship the search page on Friday.',
  'Can someone look at the flaky login test?',
  'Lunch is at the usual place today.',
  'The staging database ran out of disk this morning.',
  'I moved the design review to Thursday at 3pm.',
  'Here are the notes: https://wiki.example.com/notes?id=42',
  'Does anyone know why the billing job is slow?',
  'Revisé el informe y falta la sección de costes.',
  '¿Quién puede cubrir la guardia del sábado?',
  'Decidimos migrar la base de datos el lunes.',
  'La demo salió muy bien, gracias a todos.',
  'Сборка снова упала после слияния.',
  'Мы решили перенести релиз на следующую неделю.',
  'Кто может посмотреть алерт по биллингу?',
  'Обновил документацию по API.',
  '明日の会議は十時からです。',
  'リリースは金曜日に決まりました。',
  '誰かCIのランナーを再起動できますか？',
  '新しいデザイン案を共有しました。',
  '我们决定下周一上线新版本。',
  '测试服务器又挂了。',
  '谁能帮忙看一下这个报错？',
  '文档已经更新了。',
];

const p = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

describe.skipIf(process.env['CONFAB_MEASURE'] !== '1').each(await engines({ RATE_LIMITS: 'off' }))(
  'catch-up for 500 unread messages on %s',
  (engine, start) => {
    let t: TestServer;
    let reader: TestUser;
    let group: string;
    let bodies: Set<string>;
    beforeAll(async () => {
      t = await start();
      const [r, ...writers] = await registerUsers(t.url, 6);
      reader = r!;
      group = (await createGroup(writers[0]!, [reader, ...writers.slice(1)])).id;
      const rand = seeded(40);
      const pick = () => SENTENCES[Math.floor(rand() * SENTENCES.length)]!;
      const texts = Array.from({ length: UNREAD }, (_, i) => {
        const n = 1 + Math.floor(rand() * 3);
        const words = Array.from({ length: n }, pick);
        if (i % 25 === 0) words.unshift(`@${reader.auth.user.username}`);
        return words.join(' ');
      });
      bodies = new Set(texts);
      // Ten at a time, in order within each writer.
      for (let i = 0; i < texts.length; i += 10) {
        await Promise.all(
          texts.slice(i, i + 10).map(async (body, j) => {
            const writer = writers[(i + j) % writers.length]!;
            const r = await api(t.url, 'POST', `/api/v1/conversations/${group}/messages`, {
              token: writer.token,
              body: { clientId: crypto.randomUUID(), body },
            });
            expect((r.body.message as Message).id).toBeTruthy();
          }),
        );
      }
    }, 300_000);
    afterAll(() => t?.close());

    it('answers within a bound, with at most five sentences quoted from the messages', async () => {
      const call = async () => {
        const began = performance.now();
        const r = await api(t.url, 'GET', `/api/v1/conversations/${group}/catch-up`, { token: reader.token });
        return { ms: performance.now() - began, body: r.body as CatchUp };
      };
      const first = await call();
      expect(first.body.items.length).toBeGreaterThan(0);
      expect(first.body.items.length).toBeLessThanOrEqual(5);
      for (const item of first.body.items) expect([...bodies].some((b) => b.includes(item.text))).toBe(true);
      expect(first.body.speakers).toHaveLength(5);
      const samples: number[] = [];
      for (let i = 0; i < CALLS; i++) samples.push((await call()).ms);
      samples.sort((a, b) => a - b);
      const figures = {
        engine,
        unread: UNREAD,
        first: +first.ms.toFixed(1),
        p50: +p(samples, 0.5).toFixed(1),
        p99: +p(samples, 0.99).toFixed(1),
      };
      // eslint-disable-next-line no-console -- the figures docs/assist.md states
      console.log(`catch-up ms: ${JSON.stringify(figures)}`);
      // A guard against a change that makes it much worse, not the figure (docs/assist.md has those).
      expect(figures.p99).toBeLessThan(5000);
    }, 300_000);
  },
);
