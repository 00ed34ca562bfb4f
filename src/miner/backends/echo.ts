/**
 * The deterministic test backend of DESIGN §8: serves exactly the model `echo`; the output is
 * `"[echo] " + prompt` cut to `maxTokens` whitespace-separated words (tokens are words, joined by one
 * space); `delayMs` per token so streaming and cancel can be watched. Prompt tokens are the prompt's
 * words.
 */
import {
  type GenerateRequest,
  type GenerateResult,
  type InferenceBackend,
  modelNotAvailable,
  words,
} from '../backend.js';

export const ECHO_MODEL = 'echo';

/** The tokens the echo backend produces for a prompt: `["[echo]", " What", " is", …]`. */
export function echoTokens(prompt: string, maxTokens: number): string[] {
  return words(`[echo] ${prompt}`)
    .slice(0, maxTokens)
    .map((w, i) => (i === 0 ? w : ` ${w}`));
}

export class EchoBackend implements InferenceBackend {
  readonly name = 'echo' as const;
  constructor(private readonly delayMs = 0) {}

  async listModels(): Promise<{ models: string[] }> {
    return { models: [ECHO_MODEL] };
  }

  async generate(
    req: GenerateRequest,
    onTokens: (tokens: string[]) => void,
    signal: AbortSignal,
  ): Promise<GenerateResult> {
    if (req.model !== ECHO_MODEL) throw modelNotAvailable('echo', req.model, [ECHO_MODEL]);
    const all = echoTokens(req.prompt, req.maxTokens);
    const tokensIn = words(req.prompt).length;
    if (this.delayMs <= 0 && !signal.aborted) {
      onTokens(all);
      return { output: all.join(''), tokensIn, tokensOut: all.length, stopped: false };
    }
    const produced: string[] = [];
    for (const token of all) {
      if (signal.aborted) break;
      await abortableDelay(this.delayMs, signal);
      if (signal.aborted) break;
      produced.push(token);
      onTokens([token]);
    }
    const stopped = produced.length < all.length;
    return { output: produced.join(''), tokensIn, tokensOut: produced.length, stopped };
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
