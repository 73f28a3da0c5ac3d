/**
 * Writes tiny ONNX embedding models for the tests (the ModelProvider seam is tested on a real
 * model file that onnxruntime loads and runs, never downloaded): a word-embedding table the test
 * chooses, looked up by `Gather`, optionally averaged by `ReduceMean`. Encoded by hand in
 * protobuf's wire format, with the field numbers of onnx.proto.
 */

type Field = Uint8Array;

function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? byte | 0x80 : byte);
  } while (v > 0n);
  return out;
}
const concat = (parts: readonly Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
/** A varint field (wire type 0). */
const int = (field: number, value: number | bigint): Field => new Uint8Array([...varint(field << 3), ...varint(value)]);
/** A length-delimited field (wire type 2): bytes, a string or an embedded message. */
const bytes = (field: number, value: Uint8Array | string): Field => {
  const data = typeof value === 'string' ? new TextEncoder().encode(value) : value;
  return concat([new Uint8Array([...varint((field << 3) | 2), ...varint(data.length)]), data]);
};
const message = (field: number, ...parts: Field[]) => bytes(field, concat(parts));

const FLOAT = 1;
const INT64 = 7;

/** ValueInfoProto of a tensor with named (dynamic) dimensions. */
function tensorInfo(field: number, name: string, elemType: number, dims: readonly (string | number)[]): Field {
  const shape = dims.map((d) => message(1, typeof d === 'string' ? bytes(2, d) : int(1, d)));
  return message(field, bytes(1, name), message(2, message(1, int(1, elemType), message(2, ...shape))));
}

export interface TinyModelOptions {
  /** One row per vocabulary id: the word's vector. */
  table: readonly (readonly number[])[];
  /** `tokens` (default): the output is `[batch, tokens, dim]`, as a BERT's last hidden state; `sentence`: averaged to `[batch, dim]`. */
  output?: 'tokens' | 'sentence';
  /** The graph's input name (input_ids unless a test wants a model Confab cannot feed). */
  inputName?: string;
}

/** The bytes of an ONNX model (IR 7, opset 13) that embeds token ids by looking them up in `table`. */
export function tinyEmbeddingModel({ table, output = 'tokens', inputName = 'input_ids' }: TinyModelOptions): Uint8Array {
  const dim = table[0]!.length;
  const raw = new Uint8Array(new Float32Array(table.flat()).buffer);
  const initializer = message(5, int(1, table.length), int(1, dim), int(2, FLOAT), bytes(8, 'table'), bytes(9, raw));
  const gather = message(1, bytes(1, 'table'), bytes(1, inputName), bytes(2, 'last_hidden_state'), bytes(3, 'lookup'), bytes(4, 'Gather'));
  const nodes = [gather];
  let out = tensorInfo(12, 'last_hidden_state', FLOAT, ['batch', 'tokens', dim]);
  if (output === 'sentence') {
    const axes = message(5, bytes(1, 'axes'), int(8, 1), int(20, 7));
    const keepdims = message(5, bytes(1, 'keepdims'), int(3, 0), int(20, 2));
    nodes.push(
      message(1, bytes(1, 'last_hidden_state'), bytes(2, 'sentence_embedding'), bytes(3, 'mean'), bytes(4, 'ReduceMean'), axes, keepdims),
    );
    out = tensorInfo(12, 'sentence_embedding', FLOAT, ['batch', dim]);
  }
  const graph = message(7, ...nodes, bytes(2, 'tiny'), initializer, tensorInfo(11, inputName, INT64, ['batch', 'tokens']), out);
  return concat([int(1, 7), bytes(2, 'confab-test'), graph, message(8, bytes(1, ''), int(2, 13))]);
}

/**
 * A vocabulary and table whose vectors say what a word is about: releases, food, or nothing
 * (filler). Texts about the same thing come out alike whatever their words.
 */
export const TOPIC_VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  'when',
  'do',
  'we',
  'is',
  'the',
  '?',
  'deploy',
  'release',
  'ship',
  'lunch',
  'pizza',
  'ready',
  '##s',
];
export const TOPIC_TABLE: number[][] = TOPIC_VOCAB.map((token) =>
  token === '[PAD]'
    ? [0, 0, 0, 0]
    : ['deploy', 'release', 'ship'].includes(token)
      ? [1, 0, 0, 0]
      : ['lunch', 'pizza'].includes(token)
        ? [0, 1, 0, 0]
        : token.startsWith('[')
          ? [0, 0, 0, 0.2]
          : [0, 0, 0.2, 0],
);
