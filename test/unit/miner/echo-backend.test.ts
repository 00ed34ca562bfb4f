import { describe, expect, it } from 'vitest';
import { EchoBackend, echoTokens } from '../../../src/miner/backends/echo.js';
import { createBackend } from '../../../src/miner/backends/select.js';
import { parseNvidiaSmi } from '../../../src/miner/gpu.js';

describe('echo backend (DESIGN §8)', () => {
  it('outputs "[echo] " + prompt cut to maxTokens words, tokens being words', async () => {
    const seen: string[] = [];
    const r = await new EchoBackend().generate(
      { model: 'echo', prompt: 'What  is\tAITBC?', maxTokens: 3 },
      (t) => seen.push(...t),
      new AbortController().signal,
    );
    expect(r).toEqual({ output: '[echo] What is', tokensIn: 3, tokensOut: 3, stopped: false });
    expect(seen).toEqual(['[echo]', ' What', ' is']);
    expect(echoTokens('a b', 10).join('')).toBe('[echo] a b');
  });

  it('serves exactly the model echo and never another', async () => {
    const b = new EchoBackend();
    expect(await b.listModels()).toEqual({ models: ['echo'] });
    await expect(
      b.generate({ model: 'llama3.2', prompt: 'x', maxTokens: 4 }, () => {}, new AbortController().signal),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { reason: 'MODEL_NOT_AVAILABLE' } });
  });

  it('stops at an abort with what it produced so far', async () => {
    const ctrl = new AbortController();
    const seen: string[] = [];
    const r = await new EchoBackend(5).generate(
      { model: 'echo', prompt: 'one two three four five six seven eight', maxTokens: 9 },
      (t) => {
        seen.push(...t);
        if (seen.length === 3) ctrl.abort();
      },
      ctrl.signal,
    );
    expect(r).toMatchObject({ output: '[echo] one two', tokensOut: 3, stopped: true });
  });

  it('refuses llama-cpp without a GGUF file, and unknown backends', () => {
    expect(() => createBackend('llama-cpp')).toThrow(/needs a GGUF model file: give --model-file/);
    expect(() => createBackend('gpt')).toThrow(/unknown backend/);
  });

  it('reads the GPU from nvidia-smi output, and nothing from garbage', () => {
    expect(parseNvidiaSmi('NVIDIA GeForce RTX 4090, 24564\n')).toEqual({
      name: 'NVIDIA GeForce RTX 4090',
      memoryMb: 24564,
    });
    expect(parseNvidiaSmi('')).toBeUndefined();
    expect(parseNvidiaSmi('No devices were found')).toBeUndefined();
  });
});
