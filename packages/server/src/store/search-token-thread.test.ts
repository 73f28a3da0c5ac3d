import { afterEach, describe, expect, it } from 'vitest';
import { SearchTokenThread } from './search-token-thread.js';
import { indexTokens } from './search-tokens.js';

describe('the search-token thread', () => {
  const threads: SearchTokenThread[] = [];
  const thread = () => {
    const made = new SearchTokenThread();
    threads.push(made);
    return made;
  };
  afterEach(async () => {
    for (const made of threads.splice(0)) await made.close();
  });

  it('makes each body’s tokens as the event loop would, in order, whatever the language', async () => {
    const bodies = [
      'Running late, the meetings moved',
      'Ça réglé: café demain',
      '明日の会議は三時から',
      'Встречи в пятницу',
      '회의는 내일입니다',
      'مرحبا بالعالم',
      '',
      '🎉🎉',
    ];
    expect(await thread().tokens(bodies)).toEqual(bodies.map((body) => indexTokens(body).join(' ')));
  });

  it('answers requests in flight together, each its own', async () => {
    const tokens = thread();
    const asked = Array.from({ length: 20 }, (_, i) => [`report ${i}`, `budget ${i * 7}`]);
    const answers = await Promise.all(asked.map((bodies) => tokens.tokens(bodies)));
    expect(answers).toEqual(asked.map((bodies) => bodies.map((body) => indexTokens(body).join(' '))));
  });

  it('fails what is in flight when it closes, and starts again on the next request', async () => {
    const tokens = thread();
    const failed = expect(tokens.tokens(['one long message '.repeat(200)])).rejects.toThrow(/closed/);
    await tokens.close();
    await failed;
    expect(await tokens.tokens(['after a restart'])).toEqual([indexTokens('after a restart').join(' ')]);
  });
});
