import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config.js';
import type { AssistModelConfig } from '../../assist-model-config.js';
import { cosine, openModelProvider } from './model-provider.js';
import { OnnxEmbedder } from './onnx-embedder.js';
import { TOPIC_TABLE, TOPIC_VOCAB, tinyEmbeddingModel } from './tiny-onnx.test-fixture.js';

const dir = mkdtempSync(path.join(tmpdir(), 'confab-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function modelFile(name: string, bytes: Uint8Array): AssistModelConfig {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  writeFileSync(path.join(dir, 'vocab.txt'), TOPIC_VOCAB.join('\n') + '\n');
  return { kind: 'onnx', path: file, vocabPath: path.join(dir, 'vocab.txt'), maxTokens: 16, lowercase: true, minSimilarity: 0.75 };
}

describe('OnnxEmbedder', () => {
  it.each(['tokens', 'sentence'] as const)('embeds texts as unit vectors of the model width (%s output)', async (output) => {
    const model = await OnnxEmbedder.open(modelFile(`${output}.onnx`, tinyEmbeddingModel({ table: TOPIC_TABLE, output })));
    try {
      expect(model.dimensions).toBe(4);
      const vectors = await model.embed(['When do we deploy?', 'when is the RELEASE?', 'Is lunch ready?', 'pizzas']);
      expect(vectors).toHaveLength(4);
      for (const v of vectors) {
        expect(v).toBeInstanceOf(Float32Array);
        expect(v).toHaveLength(4);
        expect(cosine(v, v)).toBeCloseTo(1, 5);
      }
      const [deploy, release, lunch, pizzas] = vectors as [Float32Array, Float32Array, Float32Array, Float32Array];
      // Different words, same topic: alike; another topic: not.
      expect(cosine(deploy, release)).toBeGreaterThan(0.95);
      expect(cosine(deploy, lunch)).toBeLessThan(0.5);
      // "pizzas" is cut into pizza + ##s by WordPiece, and is about food.
      expect(cosine(pizzas, lunch)).toBeGreaterThan(0.75);
      // Deterministic, and a batch answers as each text alone (padding is masked out).
      const [alone] = await model.embed(['when is the RELEASE?']);
      expect([...alone!]).toEqual([...release]);
    } finally {
      await model.close();
    }
  });

  it('embeds more texts than one batch holds, in order', async () => {
    const model = await OnnxEmbedder.open(modelFile('batch.onnx', tinyEmbeddingModel({ table: TOPIC_TABLE })));
    try {
      const texts = Array.from({ length: 70 }, (_, i) => (i % 2 === 0 ? 'ship it' : 'pizza'));
      const vectors = await model.embed(texts);
      expect(vectors).toHaveLength(70);
      expect(cosine(vectors[68]!, vectors[0]!)).toBeCloseTo(1, 5);
      expect(cosine(vectors[69]!, vectors[0]!)).toBeLessThan(0.5);
    } finally {
      await model.close();
    }
  });

  it('refuses, at start-up, a model it cannot feed or a file that is not a model', async () => {
    const pixels = modelFile('pixels.onnx', tinyEmbeddingModel({ table: TOPIC_TABLE, inputName: 'pixels' }));
    await expect(openModelProvider(pixels)).rejects.toThrow(ConfigError);
    await expect(openModelProvider(pixels)).rejects.toThrow(/its inputs are pixels; expected input_ids/);
    const garbage = modelFile('garbage.onnx', new TextEncoder().encode('not a model'));
    await expect(openModelProvider(garbage)).rejects.toThrow(/ASSIST_MODEL_PATH: cannot use .*garbage\.onnx as an ONNX embedding model/);
  });

  it('is not opened without a model configured; a cached provider answers repeated texts without the model', async () => {
    expect(await openModelProvider(null)).toBeNull();
    const provider = (await openModelProvider(modelFile('cached.onnx', tinyEmbeddingModel({ table: TOPIC_TABLE }))))!;
    try {
      expect(provider.description).toBe('onnx cached.onnx (4 dimensions)');
      const [first] = await provider.embed(['ship']);
      const [again, other] = await provider.embed(['ship', 'lunch']);
      expect(again).toBe(first); // the same array: from the cache
      expect(cosine(again!, other!)).toBeLessThan(0.5);
    } finally {
      await provider.close();
    }
  });
});
