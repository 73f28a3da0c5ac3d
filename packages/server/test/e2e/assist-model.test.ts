import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatchUp, Message, ReplySuggestions } from '@confab/protocol';
import { TOPIC_TABLE, TOPIC_VOCAB, tinyEmbeddingModel } from '../../src/infra/models/tiny-onnx.test-fixture.js';
import { freshUsers } from '../factories.js';
import { type TestServer, type TestUser, api, startServer } from '../harness.js';
import { buildCli, runConfab } from '../cli.js';

/**
 * Issue 40, the ModelProvider seam: a local ONNX model named by ASSIST_MODEL_PATH (here a tiny one
 * the test writes) changes which of my past replies are suggested; without it, BM25 alone.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'confab-assist-model-'));
const MODEL = path.join(dir, 'topics.onnx');
writeFileSync(MODEL, tinyEmbeddingModel({ table: TOPIC_TABLE }));
writeFileSync(path.join(dir, 'vocab.txt'), TOPIC_VOCAB.join('\n') + '\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Assist with a local model', () => {
  let plain: TestServer;
  let withModel: TestServer;
  beforeAll(async () => {
    [plain, withModel] = await Promise.all([startServer(), startServer({ ASSIST_MODEL_PATH: MODEL })]);
  });
  afterAll(async () => {
    await Promise.all([plain?.close(), withModel?.close()]);
  });

  /** The same history on a server: Bo asks, Ana answers; then Bo asks about a release in words Ana never answered. */
  async function scene(t: TestServer): Promise<ReplySuggestions> {
    const [ana, bo] = await freshUsers(t.url, 2);
    const dm = await bo.client.openDirect(ana.id);
    const send = async (user: TestUser, body: string) =>
      (
        await api(t.url, 'POST', `/api/v1/conversations/${dm.id}/messages`, {
          token: user.token,
          body: { clientId: crypto.randomUUID(), body },
        })
      ).body.message as Message;
    await send(bo, 'When do we deploy?');
    await send(ana, 'Friday after the freeze');
    await send(bo, 'Is lunch ready?');
    await send(ana, 'Five minutes');
    const ask = await send(bo, 'When is the release?');
    return (await api(t.url, 'GET', `/api/v1/messages/${ask.id}/reply-suggestions`, { token: ana.token })).body as ReplySuggestions;
  }

  it('suggests my reply to a message alike in meaning only when the model is configured', async () => {
    // BM25: "When is the release?" shares one word with each past question: nothing fits.
    expect((await scene(plain)).items.filter((i) => i.kind === 'reply')).toEqual([]);
    // The model finds "deploy" and "release" alike (and lunch not): that reply, and only it.
    expect((await scene(withModel)).items.filter((i) => i.kind === 'reply')).toEqual([{ text: 'Friday after the freeze', kind: 'reply' }]);
  });

  /** Bo writes six lines Ana has not read; the catch-up quotes five of them. */
  async function catchUpScene(t: TestServer): Promise<string[]> {
    const [ana, bo] = await freshUsers(t.url, 2);
    const dm = await bo.client.openDirect(ana.id);
    for (const body of ['deploy', 'ship', 'pizza', 'printer jammed', 'printer fixed', 'coffee'])
      await api(t.url, 'POST', `/api/v1/conversations/${dm.id}/messages`, {
        token: bo.token,
        body: { clientId: crypto.randomUUID(), body },
      });
    const answer = await api(t.url, 'GET', `/api/v1/conversations/${dm.id}/catch-up`, { token: ana.token });
    expect(answer.status).toBe(200);
    return (answer.body as CatchUp).items.map((i) => i.text);
  }

  it('links catch-up sentences by the model when it is configured, by shared words without it', async () => {
    // Shared words link only the two printer lines: the others rank alike, the last of them is left out.
    expect(await catchUpScene(plain)).toEqual(['deploy', 'ship', 'pizza', 'printer jammed', 'printer fixed']);
    // The model finds "deploy" and "ship" alike, and the three lines of words it does not know: pizza, alike to none, is left out.
    expect(await catchUpScene(withModel)).toEqual(['deploy', 'ship', 'printer jammed', 'printer fixed', 'coffee']);
  });

  it('does not start with a model file that is missing or is not a model, and says why', async () => {
    await buildCli();
    const cwd = mkdtempSync(path.join(tmpdir(), 'confab-assist-model-cli-'));
    try {
      const missing = await runConfab(['serve'], { DATA_DIR: cwd, PORT: '0', ASSIST_MODEL_PATH: path.join(cwd, 'none.onnx') }, { cwd });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain(`ASSIST_MODEL_PATH: no model file at ${path.join(cwd, 'none.onnx')} (Confab never downloads one`);
      const broken = path.join(cwd, 'broken.onnx');
      writeFileSync(broken, 'not a model');
      writeFileSync(path.join(cwd, 'vocab.txt'), TOPIC_VOCAB.join('\n'));
      const garbage = await runConfab(['serve'], { DATA_DIR: cwd, PORT: '0', ASSIST_MODEL_PATH: broken }, { cwd });
      expect(garbage.code).toBe(2);
      expect(garbage.stderr).toMatch(
        /^confab: Invalid configuration:\n {2}- ASSIST_MODEL_PATH: cannot use .*broken\.onnx as an ONNX embedding model: /u,
      );
      expect(garbage.stderr).not.toMatch(/\n\s+at /u); // a message, not a stack
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
