/**
 * The miner's public surface: start one, pick a backend, detect a GPU.
 */
export type { GenerateRequest, GenerateResult, InferenceBackend } from './backend.js';
export { ECHO_MODEL, EchoBackend, echoTokens } from './backends/echo.js';
export { DEFAULT_OLLAMA_URL, OllamaBackend } from './backends/ollama.js';
export { createBackend, MINER_BACKENDS, type MinerBackendName } from './backends/select.js';
export { detectGpu, type GpuInfo } from './gpu.js';
export {
  DEFAULT_HEALTH_PORT,
  type MinerEvent,
  type MinerOptions,
  type RunningMiner,
  startMiner,
} from './miner.js';
