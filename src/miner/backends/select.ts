/**
 * Backend selection by name (`--backend`). `llama-cpp` needs node-llama-cpp and a local GGUF model file;
 * neither is installed in this build, so it is refused with a clear message (DESIGN §8: the backend
 * counts as done only once a test runs it on a GGUF file produced locally).
 */
import { AitbcError } from '../../core/errors.js';
import type { InferenceBackend } from '../backend.js';
import { EchoBackend } from './echo.js';
import { DEFAULT_OLLAMA_URL, OllamaBackend } from './ollama.js';

export const MINER_BACKENDS = ['ollama', 'llama-cpp', 'echo'] as const;
export type MinerBackendName = (typeof MINER_BACKENDS)[number];

/**
 * @throws AitbcError USAGE for `llama-cpp` (not available in this build) or an unknown name.
 * @example createBackend('echo', {echoDelayMs: 50})
 */
export function createBackend(
  name: string,
  opts: { echoDelayMs?: number; ollamaUrl?: string } = {},
): InferenceBackend {
  switch (name) {
    case 'echo':
      return new EchoBackend(opts.echoDelayMs ?? 0);
    case 'ollama':
      return new OllamaBackend(opts.ollamaUrl ?? DEFAULT_OLLAMA_URL);
    case 'llama-cpp':
      throw new AitbcError(
        'USAGE',
        'the llama-cpp backend is not available in this build: node-llama-cpp is not installed and no GGUF model is configured',
        { backend: 'llama-cpp' },
        { hint: 'use --backend ollama (with a running Ollama) or --backend echo' },
      );
    default:
      throw new AitbcError('USAGE', `unknown backend "${name}"; use one of ${MINER_BACKENDS.join(', ')}`, {
        backend: name,
      });
  }
}
