import { describe, expect, it } from 'vitest';
import { WordPieceTokenizer } from './wordpiece.js';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'un', '##aff', '##able', 'runn', '##ing', ',', '?', 'cafe', '会', '议', 'привет'];
const id = (token: string) => VOCAB.indexOf(token);

describe('WordPieceTokenizer', () => {
  const tokenizer = WordPieceTokenizer.fromVocabText(VOCAB.join('\n') + '\n');

  it('cuts words into the longest pieces the vocabulary has, between [CLS] and [SEP]', () => {
    expect(tokenizer.encode('unaffable running?', 32)).toEqual(['[CLS]', 'un', '##aff', '##able', 'runn', '##ing', '?', '[SEP]'].map(id));
  });

  it('lower-cases and strips accents, splits punctuation and CJK ideographs, and answers [UNK] for what it cannot cut', () => {
    expect(tokenizer.encode('CAFÉ,会议 Привет xyz', 32)).toEqual(['[CLS]', 'cafe', ',', '会', '议', 'привет', '[UNK]', '[SEP]'].map(id));
    // A cased model's vocabulary is read as written.
    const cased = WordPieceTokenizer.fromVocabText(VOCAB.join('\n'), false);
    expect(cased.encode('Cafe cafe', 32)).toEqual(['[CLS]', '[UNK]', 'cafe', '[SEP]'].map(id));
  });

  it('cuts a long text to the most tokens allowed, [SEP] included', () => {
    expect(tokenizer.encode('running running running', 5)).toEqual(['[CLS]', 'runn', '##ing', 'runn', '[SEP]'].map(id));
  });

  it('refuses a vocabulary without the special tokens', () => {
    expect(() => WordPieceTokenizer.fromVocabText('a\nb\n')).toThrow('the vocabulary has no [CLS] token');
  });
});
