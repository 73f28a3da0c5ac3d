import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as Ort from 'onnxruntime-node';
import type { AssistModelConfig } from '../../assist-model-config.js';
import type { ModelProvider } from './model-provider.js';
import { WordPieceTokenizer } from './wordpiece.js';

/** The inputs a BERT-family embedding model declares, and what each is fed. */
const KNOWN_INPUTS = ['input_ids', 'attention_mask', 'token_type_ids'] as const;
type KnownInput = (typeof KNOWN_INPUTS)[number];
/** Texts run through the model at once (padded to the longest of them). */
const BATCH = 32;

/**
 * A sentence-embedding model in ONNX, run on the CPU by onnxruntime-node (loaded only when a
 * model is configured). Its output is either one vector per text (`[batch, dim]`, e.g. a
 * `sentence_embedding` output) or one per token (`[batch, tokens, dim]`), then averaged over the
 * text's tokens as sentence-transformers does; every vector is scaled to unit length.
 */
export class OnnxEmbedder implements ModelProvider {
  private constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
    private readonly tokenizer: WordPieceTokenizer,
    private readonly padId: number,
    private readonly output: string,
    private readonly config: AssistModelConfig,
    public dimensions: number,
  ) {}

  get description(): string {
    return `onnx ${path.basename(this.config.path)} (${this.dimensions} dimensions)`;
  }
  get minSimilarity(): number {
    return this.config.minSimilarity;
  }

  static async open(config: AssistModelConfig): Promise<OnnxEmbedder> {
    const vocab = await readFile(config.vocabPath, 'utf8');
    const tokenizer = WordPieceTokenizer.fromVocabText(vocab, config.lowercase);
    const padId = Math.max(0, vocab.split(/\r?\n/u).indexOf('[PAD]'));
    const ort = await import('onnxruntime-node');
    // One thread: the model shares the node's cores with everything else it serves.
    const session = await ort.InferenceSession.create(config.path, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const unknown = session.inputNames.filter((name) => !(KNOWN_INPUTS as readonly string[]).includes(name));
    if (unknown.length > 0 || !session.inputNames.includes('input_ids')) {
      await session.release();
      throw new Error(
        `its inputs are ${session.inputNames.join(', ')}; expected input_ids, and optionally attention_mask and token_type_ids`,
      );
    }
    const output = session.outputNames.includes('sentence_embedding') ? 'sentence_embedding' : session.outputNames[0]!;
    const embedder = new OnnxEmbedder(ort, session, tokenizer, padId, output, config, 0);
    // A probe at start-up: a model whose output is not a vector per text fails here, not on a request.
    try {
      const [probe] = await embedder.embed(['ok']);
      embedder.dimensions = probe!.length;
    } catch (error) {
      await session.release();
      throw error;
    }
    return embedder;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += BATCH) out.push(...(await this.embedBatch(texts.slice(i, i + BATCH))));
    return out;
  }

  close(): Promise<void> {
    return this.session.release();
  }

  private async embedBatch(texts: readonly string[]): Promise<Float32Array[]> {
    const encoded = texts.map((t) => this.tokenizer.encode(t, this.config.maxTokens));
    const width = Math.max(...encoded.map((ids) => ids.length));
    const size = texts.length * width;
    const data: Record<KnownInput, BigInt64Array> = {
      input_ids: new BigInt64Array(size).fill(BigInt(this.padId)),
      attention_mask: new BigInt64Array(size),
      token_type_ids: new BigInt64Array(size),
    };
    encoded.forEach((ids, row) =>
      ids.forEach((id, col) => {
        data.input_ids[row * width + col] = BigInt(id);
        data.attention_mask[row * width + col] = 1n;
      }),
    );
    const feeds = Object.fromEntries(
      this.session.inputNames.map((name) => [name, new this.ort.Tensor('int64', data[name as KnownInput], [texts.length, width])]),
    );
    const result = (await this.session.run(feeds))[this.output]!;
    const values = result.data;
    if (!(values instanceof Float32Array)) throw new Error(`its output ${this.output} is ${result.type}, expected float32`);
    const dims = result.dims;
    if (dims.length === 2 && dims[0] === texts.length) {
      const dim = dims[1]!;
      return texts.map((_, row) => unit(values.slice(row * dim, (row + 1) * dim)));
    }
    if (dims.length === 3 && dims[0] === texts.length && dims[1] === width) {
      const dim = dims[2]!;
      return encoded.map((ids, row) => {
        // Mean over the text's own tokens (the padding is masked out).
        const sum = new Float32Array(dim);
        for (let t = 0; t < ids.length; t++) {
          const at = (row * width + t) * dim;
          for (let d = 0; d < dim; d++) sum[d]! += values[at + d]!;
        }
        return unit(sum);
      });
    }
    throw new Error(`its output ${this.output} has shape [${dims.join(', ')}], expected [texts, dim] or [texts, tokens, dim]`);
  }
}

function unit(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}
