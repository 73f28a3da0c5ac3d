import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { EnvReader } from './env-reader.js';

/**
 * A local model file Assist may use (issue 40, "extensibility without downloads"; docs/assist.md):
 * named by path, read from disk at start-up, never fetched. Unset (the default), Assist uses its
 * rules and BM25 alone.
 */
export interface AssistModelConfig {
  /** ASSIST_MODEL_KIND: the format; `onnx` (a sentence-embedding model run by onnxruntime-node). */
  kind: 'onnx';
  /** ASSIST_MODEL_PATH: the model file. */
  path: string;
  /** ASSIST_MODEL_VOCAB: the WordPiece vocabulary (`vocab.txt`, one token a line); default: vocab.txt beside the model. */
  vocabPath: string;
  /** ASSIST_MODEL_MAX_TOKENS: a text is cut to this many tokens (with [CLS] and [SEP]); 128 by default. */
  maxTokens: number;
  /** ASSIST_MODEL_LOWERCASE: lower-case and strip accents before tokenizing, as uncased models were trained; true by default. */
  lowercase: boolean;
  /** ASSIST_MODEL_MIN_SIMILARITY: the cosine from which two texts count as alike (0–1); 0.75 by default. */
  minSimilarity: number;
}

export function readAssistModelConfig(read: EnvReader): AssistModelConfig | null {
  const file = read.optional('ASSIST_MODEL_PATH');
  const kind = read.oneOf('ASSIST_MODEL_KIND', 'onnx', ['onnx']);
  const maxTokens = read.int('ASSIST_MODEL_MAX_TOKENS', 128, 8, 8192);
  const minSimilarity = read.fraction('ASSIST_MODEL_MIN_SIMILARITY', 0.75, 0, 1);
  const lowercase = read.bool('ASSIST_MODEL_LOWERCASE', true);
  const vocab = read.optional('ASSIST_MODEL_VOCAB');
  if (file === null) {
    if (vocab !== null) read.problem('ASSIST_MODEL_VOCAB: set without ASSIST_MODEL_PATH (the model it belongs to)');
    return null;
  }
  const modelPath = path.resolve(file);
  const vocabPath = path.resolve(vocab ?? path.join(path.dirname(modelPath), 'vocab.txt'));
  if (!isFile(modelPath)) read.problem(`ASSIST_MODEL_PATH: no model file at ${modelPath} (Confab never downloads one: put the file there)`);
  else if (!isFile(vocabPath))
    read.problem(
      `ASSIST_MODEL_VOCAB: no vocabulary file at ${vocabPath} (the model's WordPiece vocab.txt${vocab === null ? ', looked for beside the model' : ''})`,
    );
  return { kind, path: modelPath, vocabPath, maxTokens, lowercase, minSimilarity };
}

function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile();
}
