import type { AssistModelConfig } from '../../assist-model-config.js';
import { ConfigError } from '../../config.js';
import { EmbeddingCache } from './embedding-cache.js';
import { OnnxEmbedder } from './onnx-embedder.js';

/**
 * The seam through which Assist may use a local model (issue 40; docs/assist.md, decision 0040):
 * an operator names a model file in the configuration, the server reads it at start-up, and
 * nothing is ever fetched. Without one every feature works on its rules alone.
 */
export interface ModelProvider {
  /** For the log: the kind and file, and the vectors' size. */
  readonly description: string;
  /** Length of every vector `embed` answers. */
  readonly dimensions: number;
  /** The cosine from which two texts count as alike (the operator's, for this model). */
  readonly minSimilarity: number;
  /** One unit-length vector per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Frees the model (the server's close). */
  close(): Promise<void>;
}

/** Texts embedded once are kept (my past messages come back on every suggestion). */
const CACHED_TEXTS = 20_000;

/** The provider the configuration names, loaded and checked; null when none is. A model that cannot be used stops the start. */
export async function openModelProvider(config: AssistModelConfig | null): Promise<ModelProvider | null> {
  if (config === null) return null;
  try {
    return new EmbeddingCache(await OnnxEmbedder.open(config), CACHED_TEXTS);
  } catch (error) {
    throw new ConfigError([`ASSIST_MODEL_PATH: cannot use ${config.path} as an ONNX embedding model: ${(error as Error).message}`]);
  }
}

/** Cosine of two unit-length vectors. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}
