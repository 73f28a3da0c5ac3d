import { describe, expect, it } from 'vitest';
import { convertSlackMarkup } from './slack-markup.js';

const names = {
  user: (id: string) => ({ U1: { id: 'u-1', username: 'zoë' }, U2: { id: 'u-2', username: 'bob' } })[id],
  userByName: () => undefined,
  channelName: (id: string) => (id === 'C9' ? 'général' : undefined),
};

describe('Slack markup', () => {
  it('turns mentions, channel links, links and specials into Markdown and mentions', () => {
    const { body, mentionIds } = convertSlackMarkup(
      'hi <@U1> and <@U2|bob>, <@U7> see <#C9> or <#C1|random>: <https://x.io/a?b=1&amp;c=2|the [doc]> <https://y.io> <mailto:a@b.io|a@b.io> <!channel> <!subteam^S1|@devs>',
      names,
    );
    expect(body).toBe(
      'hi @zoë and @bob, @U7 see #général or #random: [the \\[doc\\]](https://x.io/a?b=1&c=2) <https://y.io> [a@b.io](mailto:a@b.io) @all @devs',
    );
    expect(mentionIds).toEqual(['u-1', 'u-2']);
  });

  it('converts emphasis and escapes outside code only', () => {
    expect(convertSlackMarkup('*bold* _it_ ~gone~ a*b*c `*raw* &lt;x&gt;` &lt;tag&gt; &amp;', names).body).toBe(
      '**bold** _it_ ~~gone~~ a*b*c `*raw* <x>` <tag> &',
    );
    expect(convertSlackMarkup('```\n<@U1> *x*\n```', names)).toEqual({ body: '```\n<@U1> *x*\n```', mentionIds: [] });
  });
});
