import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'confab-model-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const model = path.join(dir, 'model.onnx');
writeFileSync(model, 'bytes');

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('ASSIST_MODEL_*', () => {
  it('is off by default', () => {
    expect(loadConfig({}).assistModel).toBeNull();
  });

  it('names a model file and its vocabulary, beside it unless named', () => {
    writeFileSync(path.join(dir, 'vocab.txt'), '[CLS]\n');
    expect(loadConfig({ ASSIST_MODEL_PATH: model }).assistModel).toEqual({
      kind: 'onnx',
      path: model,
      vocabPath: path.join(dir, 'vocab.txt'),
      maxTokens: 128,
      lowercase: true,
      minSimilarity: 0.75,
    });
    const other = path.join(dir, 'other-vocab.txt');
    writeFileSync(other, '[CLS]\n');
    expect(
      loadConfig({
        ASSIST_MODEL_PATH: model,
        ASSIST_MODEL_VOCAB: other,
        ASSIST_MODEL_MAX_TOKENS: '64',
        ASSIST_MODEL_LOWERCASE: 'false',
        ASSIST_MODEL_MIN_SIMILARITY: '0.6',
      }).assistModel,
    ).toMatchObject({ vocabPath: other, maxTokens: 64, lowercase: false, minSimilarity: 0.6 });
  });

  it('lists a missing file, an unknown kind and bad numbers at start-up, and never fetches anything', () => {
    const missing = path.join(dir, 'nowhere.onnx');
    expect(problems({ ASSIST_MODEL_PATH: missing, ASSIST_MODEL_KIND: 'gguf', ASSIST_MODEL_MAX_TOKENS: '2' })).toEqual([
      'ASSIST_MODEL_KIND: expected one of onnx, got "gguf"',
      'ASSIST_MODEL_MAX_TOKENS: expected a whole number from 8 to 8192, got "2"',
      `ASSIST_MODEL_PATH: no model file at ${missing} (Confab never downloads one: put the file there)`,
    ]);
    expect(problems({ ASSIST_MODEL_PATH: model, ASSIST_MODEL_VOCAB: path.join(dir, 'none.txt') })).toEqual([
      `ASSIST_MODEL_VOCAB: no vocabulary file at ${path.join(dir, 'none.txt')} (the model's WordPiece vocab.txt)`,
    ]);
    expect(problems({ ASSIST_MODEL_PATH: dir })).toEqual([
      `ASSIST_MODEL_PATH: no model file at ${dir} (Confab never downloads one: put the file there)`,
    ]);
    expect(problems({ ASSIST_MODEL_VOCAB: path.join(dir, 'vocab.txt') })).toEqual([
      'ASSIST_MODEL_VOCAB: set without ASSIST_MODEL_PATH (the model it belongs to)',
    ]);
  });
});
