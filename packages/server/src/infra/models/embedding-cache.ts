import type { ModelProvider } from './model-provider.js';

/** A provider that remembers the vectors of the last `size` texts it embedded (least recently used go first). */
export class EmbeddingCache implements ModelProvider {
  private readonly vectors = new Map<string, Float32Array>();

  constructor(
    private readonly inner: ModelProvider,
    private readonly size: number,
  ) {}

  get description(): string {
    return this.inner.description;
  }
  get dimensions(): number {
    return this.inner.dimensions;
  }
  get minSimilarity(): number {
    return this.inner.minSimilarity;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const found = new Map<string, Float32Array>();
    for (const text of texts) {
      const vector = this.vectors.get(text);
      if (vector) found.set(text, vector);
    }
    const missing = [...new Set(texts.filter((t) => !found.has(t)))];
    const fresh = missing.length > 0 ? await this.inner.embed(missing) : [];
    missing.forEach((text, i) => found.set(text, fresh[i]!));
    // Map order is insertion order: taking a text out and back in marks it recently used.
    for (const [text, vector] of found) {
      this.vectors.delete(text);
      this.vectors.set(text, vector);
    }
    while (this.vectors.size > this.size) this.vectors.delete(this.vectors.keys().next().value!);
    return texts.map((text) => found.get(text)!);
  }

  close(): Promise<void> {
    this.vectors.clear();
    return this.inner.close();
  }
}
