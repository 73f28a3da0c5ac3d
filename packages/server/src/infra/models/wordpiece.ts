/**
 * BERT's WordPiece tokenizer (the `vocab.txt` that ships beside BERT-family embedding models):
 * text → token ids, as the model was trained to read them. Basic tokenization first (control
 * characters dropped, CJK ideographs one token each, optional lower-casing and accent stripping,
 * split at whitespace and punctuation), then each word cut greedily into the longest pieces the
 * vocabulary has, continuations marked `##`; a word that cannot be cut is [UNK].
 */
export class WordPieceTokenizer {
  private readonly ids: Map<string, number>;
  readonly clsId: number;
  readonly sepId: number;
  readonly unkId: number;

  constructor(
    vocab: readonly string[],
    private readonly lowercase = true,
  ) {
    this.ids = new Map(vocab.map((token, i) => [token, i]));
    const special = (token: string) => {
      const id = this.ids.get(token);
      if (id === undefined) throw new Error(`the vocabulary has no ${token} token`);
      return id;
    };
    this.clsId = special('[CLS]');
    this.sepId = special('[SEP]');
    this.unkId = special('[UNK]');
  }

  /** Reads `vocab.txt`: one token a line, its id the line's index. */
  static fromVocabText(text: string, lowercase = true): WordPieceTokenizer {
    const lines = text.split(/\r?\n/u);
    if (lines.at(-1) === '') lines.pop();
    return new WordPieceTokenizer(lines, lowercase);
  }

  /** `[CLS] pieces… [SEP]`, at most `maxTokens` ids in all (the pieces past it are cut). */
  encode(text: string, maxTokens: number): number[] {
    const ids = [this.clsId];
    for (const word of this.basicTokens(text)) {
      for (const id of this.pieces(word)) {
        if (ids.length >= maxTokens - 1) return [...ids, this.sepId];
        ids.push(id);
      }
    }
    ids.push(this.sepId);
    return ids;
  }

  private basicTokens(text: string): string[] {
    let clean = text.replace(/[\p{Cc}\p{Cf}]/gu, (c) => (/\s/u.test(c) ? ' ' : ''));
    // Each CJK ideograph is a word of its own, as BERT's vocabularies list them.
    clean = clean.replace(/[\p{Script=Han}]/gu, ' $& ');
    if (this.lowercase)
      clean = clean
        .toLowerCase()
        .normalize('NFD')
        .replace(/\p{Mn}/gu, '');
    return clean
      .split(/\s+/u)
      .flatMap((word) => word.split(/([\p{P}\p{S}])/u))
      .filter((w) => w !== '');
  }

  private pieces(word: string): number[] {
    const chars = [...word];
    if (chars.length > 100) return [this.unkId];
    const out: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let id: number | undefined;
      for (; end > start; end--) {
        const piece = (start > 0 ? '##' : '') + chars.slice(start, end).join('');
        id = this.ids.get(piece);
        if (id !== undefined) break;
      }
      if (id === undefined) return [this.unkId];
      out.push(id);
      start = end;
    }
    return out;
  }
}
