/**
 * Writes a tiny `llama`-architecture model as a GGUF v3 file with random weights from a seeded PRNG, so
 * the llama-cpp backend can be tested on real llama.cpp inference without any downloaded model (DESIGN
 * §8). The model is a few hundred KB: F32 tensors, a SentencePiece-style vocabulary (control tokens, the
 * 256 byte tokens, then word pieces). Its output is gibberish by design; what it exercises is the real
 * load → tokenize → decode → sample path.
 *
 * Layout (GGUF spec, ggml docs/gguf.md): magic "GGUF", version u32 3, tensor count u64, KV count u64,
 * the KVs (u64-length key, u32 value type, value), the tensor infos (name, n_dims u32, dims u64 with
 * ne[0] first, ggml type u32, offset u64 into the data section), zero padding to the alignment, then each
 * tensor's data at an aligned offset.
 */
import * as fs from 'node:fs';
import { createPrng } from '../../src/core/prng.js';

/** GGUF metadata value types (gguf_type). */
const T_UINT32 = 4;
const T_INT32 = 5;
const T_FLOAT32 = 6;
const T_STRING = 8;
const T_ARRAY = 9;
/** ggml tensor type F32. */
const GGML_F32 = 0;
const ALIGNMENT = 32;

/** SentencePiece token types as llama.cpp reads them (llama_token_type). */
const TOKEN_NORMAL = 1;
const TOKEN_UNKNOWN = 2;
const TOKEN_CONTROL = 3;
const TOKEN_BYTE = 6;

export interface TinyGgufOptions {
  seed?: number;
  name?: string;
  nEmbd?: number;
  nHead?: number;
  nHeadKv?: number;
  nLayer?: number;
  nFf?: number;
  contextLength?: number;
}

type KvValue =
  | { type: 'u32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'str'; value: string }
  | { type: 'strs'; value: string[] }
  | { type: 'f32s'; value: number[] }
  | { type: 'i32s'; value: number[] };

interface Tensor {
  name: string;
  dims: number[];
  data: Float32Array;
}

/** Growable little-endian byte writer. */
class ByteWriter {
  private buf = Buffer.alloc(1 << 16);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v, this.length);
    this.length += 4;
  }
  i32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.length);
    this.length += 4;
  }
  u64(v: number): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt(v), this.length);
    this.length += 8;
  }
  f32(v: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.length);
    this.length += 4;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.bytes(b);
  }
  pad(alignment: number): void {
    const rem = this.length % alignment;
    if (rem !== 0) this.bytes(new Uint8Array(alignment - rem));
  }
  result(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/** The vocabulary: `<unk>`, `<s>`, `</s>`, the byte tokens, then word pieces (longer ones score higher). */
export function tinyVocab(): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const scores = [0, 0, 0];
  const types = [TOKEN_UNKNOWN, TOKEN_CONTROL, TOKEN_CONTROL];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    scores.push(0);
    types.push(TOKEN_BYTE);
  }
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const words = [
    'the',
    'a',
    'is',
    'what',
    'hello',
    'world',
    'of',
    'and',
    'to',
    'in',
    'it',
    'that',
    'for',
    'on',
    'with',
    'as',
    'was',
    'he',
    'she',
    'they',
    'we',
    'you',
    'at',
    'by',
    'this',
    'from',
    'or',
    'an',
    'be',
    'are',
    'not',
    'have',
    'one',
    'all',
    'can',
    'chain',
    'block',
    'token',
    'model',
    'miner',
    'compute',
  ];
  const pieces = new Set<string>(['▁', ...letters, ...letters.toUpperCase(), '.', ',', '!', '?']);
  for (const l of letters) pieces.add(`▁${l}`);
  for (const w of words) pieces.add(`▁${w}`);
  for (const a of 'aeiou') for (const b of 'nrstl') pieces.add(a + b);
  for (const p of pieces) {
    tokens.push(p);
    // SentencePiece merges by score: prefer longer pieces.
    scores.push(-100 + [...p].length);
    types.push(TOKEN_NORMAL);
  }
  return { tokens, scores, types };
}

/**
 * The GGUF file's bytes. Same options → same bytes.
 * @example fs.writeFileSync('tiny.gguf', tinyGgufBytes({seed: 1}))
 */
export function tinyGgufBytes(opts: TinyGgufOptions = {}): Buffer {
  const nEmbd = opts.nEmbd ?? 64;
  const nHead = opts.nHead ?? 4;
  const nHeadKv = opts.nHeadKv ?? 2;
  const nLayer = opts.nLayer ?? 2;
  const nFf = opts.nFf ?? 128;
  const contextLength = opts.contextLength ?? 256;
  const headDim = nEmbd / nHead;
  const nEmbdKv = headDim * nHeadKv;
  const rng = createPrng(opts.seed ?? 1);
  const vocab = tinyVocab();
  const nVocab = vocab.tokens.length;

  const random = (n: number): Float32Array => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = rng.uniform(-0.1, 0.1);
    return a;
  };
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);
  // Output rows of control and byte tokens are zero: a random model then ends (EOS) or emits a lone
  // byte only rarely, so a greedy run produces readable word pieces.
  const output = random(nEmbd * nVocab);
  for (let t = 0; t < nVocab; t++)
    if (vocab.types[t] !== TOKEN_NORMAL) output.fill(0, t * nEmbd, (t + 1) * nEmbd);

  const tensors: Tensor[] = [
    { name: 'token_embd.weight', dims: [nEmbd, nVocab], data: random(nEmbd * nVocab) },
    { name: 'output_norm.weight', dims: [nEmbd], data: ones(nEmbd) },
    { name: 'output.weight', dims: [nEmbd, nVocab], data: output },
  ];
  for (let i = 0; i < nLayer; i++) {
    const b = `blk.${i}`;
    tensors.push(
      { name: `${b}.attn_norm.weight`, dims: [nEmbd], data: ones(nEmbd) },
      { name: `${b}.attn_q.weight`, dims: [nEmbd, nEmbd], data: random(nEmbd * nEmbd) },
      { name: `${b}.attn_k.weight`, dims: [nEmbd, nEmbdKv], data: random(nEmbd * nEmbdKv) },
      { name: `${b}.attn_v.weight`, dims: [nEmbd, nEmbdKv], data: random(nEmbd * nEmbdKv) },
      { name: `${b}.attn_output.weight`, dims: [nEmbd, nEmbd], data: random(nEmbd * nEmbd) },
      { name: `${b}.ffn_norm.weight`, dims: [nEmbd], data: ones(nEmbd) },
      { name: `${b}.ffn_gate.weight`, dims: [nEmbd, nFf], data: random(nEmbd * nFf) },
      { name: `${b}.ffn_up.weight`, dims: [nEmbd, nFf], data: random(nEmbd * nFf) },
      { name: `${b}.ffn_down.weight`, dims: [nFf, nEmbd], data: random(nFf * nEmbd) },
    );
  }

  const kvs: Array<[string, KvValue]> = [
    ['general.architecture', { type: 'str', value: 'llama' }],
    ['general.name', { type: 'str', value: opts.name ?? 'aitbc-tiny-random' }],
    ['general.alignment', { type: 'u32', value: ALIGNMENT }],
    ['llama.context_length', { type: 'u32', value: contextLength }],
    ['llama.embedding_length', { type: 'u32', value: nEmbd }],
    ['llama.block_count', { type: 'u32', value: nLayer }],
    ['llama.feed_forward_length', { type: 'u32', value: nFf }],
    ['llama.attention.head_count', { type: 'u32', value: nHead }],
    ['llama.attention.head_count_kv', { type: 'u32', value: nHeadKv }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.rope.dimension_count', { type: 'u32', value: headDim }],
    ['tokenizer.ggml.model', { type: 'str', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'strs', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'f32s', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'i32s', value: vocab.types }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: 2 }],
  ];

  const w = new ByteWriter();
  w.bytes(Buffer.from('GGUF', 'ascii'));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(kvs.length);
  for (const [key, v] of kvs) {
    w.str(key);
    writeValue(w, v);
  }
  let offset = 0;
  for (const t of tensors) {
    w.str(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(GGML_F32);
    w.u64(offset);
    offset = alignUp(offset + t.data.byteLength, ALIGNMENT);
  }
  w.pad(ALIGNMENT);
  for (const t of tensors) {
    w.bytes(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    w.pad(ALIGNMENT);
  }
  return w.result();
}

/** Writes the tiny model to `file` and returns its path. */
export function writeTinyGguf(file: string, opts: TinyGgufOptions = {}): string {
  fs.writeFileSync(file, tinyGgufBytes(opts));
  return file;
}

function writeValue(w: ByteWriter, v: KvValue): void {
  switch (v.type) {
    case 'u32':
      w.u32(T_UINT32);
      w.u32(v.value);
      return;
    case 'f32':
      w.u32(T_FLOAT32);
      w.f32(v.value);
      return;
    case 'str':
      w.u32(T_STRING);
      w.str(v.value);
      return;
    case 'strs':
      w.u32(T_ARRAY);
      w.u32(T_STRING);
      w.u64(v.value.length);
      for (const s of v.value) w.str(s);
      return;
    case 'f32s':
      w.u32(T_ARRAY);
      w.u32(T_FLOAT32);
      w.u64(v.value.length);
      for (const x of v.value) w.f32(x);
      return;
    case 'i32s':
      w.u32(T_ARRAY);
      w.u32(T_INT32);
      w.u64(v.value.length);
      for (const x of v.value) w.i32(x);
      return;
  }
}

function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}
