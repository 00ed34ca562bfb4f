/**
 * The llama-cpp backend on real llama.cpp inference (node-llama-cpp's prebuilt CPU binary). No GGUF model
 * exists on this machine and none can be downloaded, so the test writes its own: a tiny random-weight
 * `llama` model (test/helpers/tiny-gguf.ts). Its output is gibberish by design; what is tested is the real
 * path — GGUF load, tokenizer, decoding, sampling, streaming, abort — and the backend's contract.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AitbcError } from '../../../src/core/errors.js';
import { ggufModelName, LlamaCppBackend } from '../../../src/miner/backends/llama-cpp.js';
import { createBackend } from '../../../src/miner/backends/select.js';
import { tinyGgufBytes, writeTinyGguf } from '../../helpers/tiny-gguf.js';

let dir: string;
let file: string;
let backend: LlamaCppBackend;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aitbc-llama-'));
  file = writeTinyGguf(path.join(dir, 'tiny.gguf'), { seed: 7 });
  backend = new LlamaCppBackend({ modelFile: file });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const never = new AbortController().signal;

describe('tiny GGUF writer', () => {
  it('is deterministic for a seed and starts with the GGUF v3 header', () => {
    const a = tinyGgufBytes({ seed: 3 });
    expect(a.equals(tinyGgufBytes({ seed: 3 }))).toBe(true);
    expect(a.equals(tinyGgufBytes({ seed: 4 }))).toBe(false);
    expect(a.subarray(0, 4).toString('latin1')).toBe('GGUF');
    expect(a.readUInt32LE(4)).toBe(3);
  });
});

describe('llama-cpp backend', () => {
  it('serves the file under its name, with the file’s SHA-256 as digest', async () => {
    const sha = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    expect(ggufModelName(file)).toBe('tiny');
    expect(await backend.listModels()).toEqual({ models: ['tiny'], digests: { tiny: `sha256:${sha}` } });
    const named = createBackend('llama-cpp', { modelFile: file, modelName: 'other' });
    expect((await named.listModels()).models).toEqual(['other']);
  });

  it('generates up to maxTokens, streaming chunks that join to the output', async () => {
    const chunks: string[] = [];
    const r = await backend.generate(
      { model: 'tiny', prompt: 'What is AITBC?', maxTokens: 12, temperature: 0 },
      (t) => chunks.push(...t),
      never,
    );
    expect(r.output.length).toBeGreaterThan(0);
    expect(chunks.join('')).toBe(r.output);
    expect(r.tokensIn).toBeGreaterThan(0);
    expect(r.tokensOut).toBeGreaterThanOrEqual(1);
    expect(r.tokensOut).toBeLessThanOrEqual(12);
    expect(r.stopped).toBe(false);
    expect(r.modelDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('is reproducible: temperature 0, and a seed at temperature 0.8, give the same output twice', async () => {
    const run = async (temperature: number, seed?: number) =>
      (
        await backend.generate(
          {
            model: 'tiny',
            prompt: 'hello world',
            maxTokens: 10,
            temperature,
            ...(seed === undefined ? {} : { seed }),
          },
          () => {},
          never,
        )
      ).output;
    expect(await run(0)).toBe(await run(0));
    const seeded = await run(0.8, 42);
    expect(seeded).toBe(await run(0.8, 42));
    expect(seeded.length).toBeGreaterThan(0);
  });

  it('stops on an aborted signal: before the run, and from inside the stream', async () => {
    const pre = new AbortController();
    pre.abort();
    const r1 = await backend.generate({ model: 'tiny', prompt: 'hi', maxTokens: 8 }, () => {}, pre.signal);
    expect(r1).toMatchObject({ output: '', tokensOut: 0, stopped: true });

    const mid = new AbortController();
    const chunks: string[] = [];
    const r2 = await backend.generate(
      { model: 'tiny', prompt: 'the chain', maxTokens: 64, temperature: 0.8, seed: 1 },
      (t) => {
        chunks.push(...t);
        if (chunks.length === 2) mid.abort();
      },
      mid.signal,
    );
    expect(r2.stopped).toBe(true);
    expect(r2.tokensOut).toBeLessThan(64);
    expect(r2.output).toBe(chunks.join(''));
  });

  it('refuses a model it does not serve, never running another', async () => {
    const err = await backend
      .generate({ model: 'llama3.2', prompt: 'hi', maxTokens: 4 }, () => {}, never)
      .catch((e) => e);
    expect(err).toBeInstanceOf(AitbcError);
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.details).toMatchObject({ reason: 'MODEL_NOT_AVAILABLE', model: 'llama3.2', served: ['tiny'] });
  });

  it('refuses a truncated GGUF, a non-GGUF file and a missing file with messages naming the file', async () => {
    const truncated = path.join(dir, 'truncated.gguf');
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const junk = path.join(dir, 'junk.gguf');
    fs.writeFileSync(junk, 'not a model');
    const cases: Array<[string, RegExp]> = [
      [truncated, /llama\.cpp cannot load the GGUF model .*truncated\.gguf: .*(corrupted|incomplete|bounds)/],
      [junk, /junk\.gguf is not a GGUF model file/],
      [path.join(dir, 'missing.gguf'), /cannot read the GGUF model file .*missing\.gguf: ENOENT/],
    ];
    for (const [f, message] of cases) {
      const b = new LlamaCppBackend({ modelFile: f });
      const err = await b.listModels().catch((e) => e);
      expect(err).toBeInstanceOf(AitbcError);
      expect(err.code).toBe('INVALID_INPUT');
      expect(err.message).toMatch(message);
      const err2 = await b
        .generate({ model: ggufModelName(f), prompt: 'x', maxTokens: 2 }, () => {}, never)
        .catch((e) => e);
      expect(err2.code).toBe('INVALID_INPUT');
    }
  });

  it('refuses llama-cpp without a model file (USAGE)', () => {
    expect(() => createBackend('llama-cpp', {})).toThrow(/--model-file/);
  });
});
