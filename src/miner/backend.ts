/**
 * What an inference backend does for the miner (DESIGN §8): say which models it serves now, and run one
 * of them on a prompt, handing tokens over as they are produced. A backend never substitutes a model:
 * asked for one it does not serve, it throws MODEL_NOT_AVAILABLE and the miner reports a failure.
 */
import { AitbcError } from '../core/errors.js';
import type { ReceiptBackend } from '../protocol/types.js';

export interface GenerateRequest {
  model: string;
  prompt: string;
  /** Most tokens to produce (the escrow's `maxTokens`). */
  maxTokens: number;
  temperature?: number;
  seed?: number;
}

/** What a run produced. `tokensOut` ≥ the tokens handed to `onTokens`; both counts are the backend's. */
export interface GenerateResult {
  output: string;
  tokensIn: number;
  tokensOut: number;
  modelDigest?: string;
  /** True when `signal` stopped the run early (a cancel): the output is what was produced so far. */
  stopped: boolean;
}

export interface InferenceBackend {
  readonly name: ReceiptBackend;
  /** The models served now, and their digests when the backend knows them. */
  listModels(): Promise<{ models: string[]; digests?: Record<string, string> }>;
  /**
   * Runs `req.model`. Tokens go to `onTokens` in order as they are produced. An aborted `signal` stops
   * generation and resolves with what was produced (`stopped: true`), never rejects for that reason.
   * @throws AitbcError MODEL_NOT_AVAILABLE (as INVALID_INPUT with details.reason) when the model is not served;
   *   UNREACHABLE when the backend's server cannot be reached.
   */
  generate(
    req: GenerateRequest,
    onTokens: (tokens: string[]) => void,
    signal: AbortSignal,
  ): Promise<GenerateResult>;
}

/** The error a backend throws when asked for a model it does not serve. */
export function modelNotAvailable(backend: string, model: string, served: readonly string[]): AitbcError {
  return new AitbcError(
    'INVALID_INPUT',
    `the ${backend} backend does not serve model "${model}" (it serves: ${served.join(', ') || 'none'})`,
    { reason: 'MODEL_NOT_AVAILABLE', model, served: [...served] },
  );
}

/** Whitespace-separated words: the echo backend's tokens, and its count of prompt tokens. */
export function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}
