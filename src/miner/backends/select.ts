/**
 * Backend selection by name (`--backend`). `llama-cpp` serves one local GGUF file (`modelFile`) and is
 * refused without one; node-llama-cpp itself is imported only when that backend first loads its model.
 */
import { AitbcError } from '../../core/errors.js';
import type { InferenceBackend } from '../backend.js';
import { EchoBackend } from './echo.js';
import { LlamaCppBackend } from './llama-cpp.js';
import { DEFAULT_OLLAMA_URL, OllamaBackend } from './ollama.js';

export const MINER_BACKENDS = ['ollama', 'llama-cpp', 'echo'] as const;
export type MinerBackendName = (typeof MINER_BACKENDS)[number];

/**
 * @throws AitbcError USAGE for `llama-cpp` without `modelFile`, or an unknown name.
 * @example createBackend('echo', {echoDelayMs: 50})
 * @example createBackend('llama-cpp', {modelFile: 'models/tiny.gguf', modelName: 'tiny'})
 */
export function createBackend(
  name: string,
  opts: { echoDelayMs?: number; ollamaUrl?: string; modelFile?: string; modelName?: string } = {},
): InferenceBackend {
  switch (name) {
    case 'echo':
      return new EchoBackend(opts.echoDelayMs ?? 0);
    case 'ollama':
      return new OllamaBackend(opts.ollamaUrl ?? DEFAULT_OLLAMA_URL);
    case 'llama-cpp':
      if (opts.modelFile === undefined || opts.modelFile === '')
        throw new AitbcError(
          'USAGE',
          'the llama-cpp backend needs a GGUF model file: give --model-file FILE',
          { backend: 'llama-cpp', flag: 'model-file' },
          { hint: 'e.g. --backend llama-cpp --model-file models/tiny.gguf --models tiny' },
        );
      return new LlamaCppBackend({
        modelFile: opts.modelFile,
        ...(opts.modelName === undefined ? {} : { modelName: opts.modelName }),
      });
    default:
      throw new AitbcError('USAGE', `unknown backend "${name}"; use one of ${MINER_BACKENDS.join(', ')}`, {
        backend: name,
      });
  }
}
