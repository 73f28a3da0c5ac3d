import { describe, expect, it } from 'vitest';
import { DOCS_FEATURE, MIN_TRAINED_PER_CLASS, SpamModel, hammingDistance, signalEvidence, simHash, spamFeatures } from './spam-model.js';
import { buildCorpus } from './spam-corpus.test-fixture.js';

const HOLD = 0.999; // ASSIST_SPAM_HOLD's default

/** Trains on the first corpus (what admins decided), measures on an unseen second one. */
function figures(trainSpam: number, trainHam: number) {
  const model = new SpamModel();
  for (const m of buildCorpus(1, trainHam, trainSpam, 'seen')) model.learn(spamFeatures(m.body), m.spam);
  const test = buildCorpus(2, 2000, 400);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const m of test) {
    const held = model.score(spamFeatures(m.body)) >= HOLD;
    if (held && m.spam) tp++;
    if (held && !m.spam) fp++;
    if (!held && m.spam) fn++;
  }
  const ham = test.filter((m) => !m.spam).length;
  return { precision: tp / (tp + fp), recall: tp / (tp + fn), falsePositiveRate: fp / ham };
}

describe('the spam model', () => {
  it('holds nothing until it has learned enough of both classes', () => {
    const model = new SpamModel();
    for (let i = 0; i < MIN_TRAINED_PER_CLASS; i++) model.learn(spamFeatures('free crypto https://bit.ly/x'), true);
    expect(model.score(spamFeatures('free crypto https://bit.ly/y'))).toBe(0);
    for (let i = 0; i < MIN_TRAINED_PER_CLASS; i++) model.learn(spamFeatures('see you at lunch'), false);
    expect(model.score(spamFeatures('free crypto https://bit.ly/y'))).toBeGreaterThan(0.9);
    expect(model.score(spamFeatures('lunch at noon?'))).toBeLessThan(0.1);
    expect(model.trained).toEqual({ spam: MIN_TRAINED_PER_CLASS, ham: MIN_TRAINED_PER_CLASS });
  });

  it('reads its counts back as the store keeps them (the #docs row counts the messages)', () => {
    const model = new SpamModel([
      { feature: DOCS_FEATURE, spam: MIN_TRAINED_PER_CLASS, ham: MIN_TRAINED_PER_CLASS },
      { feature: 'w:giveaway', spam: MIN_TRAINED_PER_CLASS, ham: 0 },
      { feature: 'w:deploy', spam: 0, ham: MIN_TRAINED_PER_CLASS },
    ]);
    expect(model.score(['w:giveaway'])).toBeGreaterThan(0.9);
    expect(model.score(['w:deploy'])).toBeLessThan(0.1);
    expect(model.score(['w:never-seen'])).toBe(0.5);
  });

  it('features: words in any script, link hosts, link count and ratio', () => {
    const features = spamFeatures('免费领取比特币 https://bit.ly/abc and WWW.Example.com/x');
    expect(features).toEqual(expect.arrayContaining(['w:免费', 'w:and', 'host:bit.ly', 'host:www.example.com', 'links:2', 'linkratio:2']));
    expect(spamFeatures('no links here')).toEqual(expect.arrayContaining(['links:0', 'linkratio:0']));
  });

  it('near-duplicates: a SimHash a few bits from a copy with one word changed, far from another text', () => {
    const a = simHash('Invest in our new token and get 20x returns guaranteed');
    const b = simHash('Invest in our new token and get 30x returns guaranteed');
    const c = simHash('The deploy is done, please check the dashboard before lunch');
    expect(hammingDistance(a, b)).toBeLessThanOrEqual(6);
    expect(hammingDistance(a, c)).toBeGreaterThan(6);
    expect(simHash('')).toBe(0);
  });

  it('send-time signals add fixed evidence to what leans to spam: none for an ordinary pace, more for a burst of near-copies', () => {
    expect(signalEvidence({ recentSends: 1, nearDuplicates: 0 })).toBe(0);
    expect(signalEvidence({ recentSends: 12, nearDuplicates: 12 })).toBeGreaterThan(signalEvidence({ recentSends: 4, nearDuplicates: 1 }));
    const model = new SpamModel([
      { feature: DOCS_FEATURE, spam: MIN_TRAINED_PER_CLASS, ham: MIN_TRAINED_PER_CLASS },
      { feature: 'w:giveaway', spam: 4, ham: 2 },
      { feature: 'w:deploy', spam: 0, ham: MIN_TRAINED_PER_CLASS },
    ]);
    const burst = { recentSends: 12, nearDuplicates: 12 };
    expect(model.score(['w:giveaway'], burst)).toBeGreaterThan(model.score(['w:giveaway']));
    expect(model.score(['w:deploy'], burst)).toBe(model.score(['w:deploy']));
  });

  it('figures on the multilingual chat corpus: false positives on ordinary messages < 1 % from the first decisions; precision and recall grow with them', () => {
    // What docs/assist.md states: trained on spam from two thirds of the spam forms, measured on 400 spam
    // (a third in forms never trained on) and 2000 ordinary unseen messages.
    const rows = [
      [20, 20],
      [30, 60],
      [60, 200],
    ].map(([spam, ham]) => ({ spam, ham, ...figures(spam!, ham!) }));
    // eslint-disable-next-line no-console -- the figures docs/assist.md states
    console.log(`spam model figures at ${HOLD}: ${JSON.stringify(rows)}`);
    for (const row of rows) expect(row.falsePositiveRate).toBeLessThan(0.01);
    const most = rows.at(-1)!;
    expect(most.precision).toBeGreaterThanOrEqual(0.95);
    expect(most.recall).toBeGreaterThanOrEqual(0.8);
    expect(rows[0]!.recall).toBeGreaterThan(0.3);
  });
});
