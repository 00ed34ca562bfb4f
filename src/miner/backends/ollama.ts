/**
 * The `ollama` backend: a local Ollama server's HTTP API (https://github.com/ollama/ollama/blob/main/docs/api.md)
 * — `GET /api/tags` lists the models it serves (`models[].name`, `models[].digest`), `POST /api/show`
 * confirms a model right before it runs, and `POST /api/generate` with `stream: true` streams NDJSON
 * chunks `{response, done}` ending in `{done: true, prompt_eval_count, eval_count}`. Generation options:
 * `num_predict` (the escrow's maxTokens), `temperature`, `seed`.
 *
 * A model listed as `name:latest` is also served under `name`, the way `ollama run name` resolves it.
 * Counts come from Ollama (`prompt_eval_count`, `eval_count`), capped by the job's terms: a receipt never
 * claims more than the client's escrow allows.
 */
import { AitbcError } from '../../core/errors.js';
import {
  type GenerateRequest,
  type GenerateResult,
  type InferenceBackend,
  modelNotAvailable,
} from '../backend.js';

export const DEFAULT_OLLAMA_URL = 'http://127.0.0.1:11434';

interface TagsReply {
  models?: Array<{ name?: unknown; model?: unknown; digest?: unknown }>;
}

interface GenerateChunk {
  response?: unknown;
  done?: unknown;
  prompt_eval_count?: unknown;
  eval_count?: unknown;
  error?: unknown;
}

export class OllamaBackend implements InferenceBackend {
  readonly name = 'ollama' as const;
  readonly url: string;

  constructor(
    url = DEFAULT_OLLAMA_URL,
    private readonly timeoutMs = 10_000,
  ) {
    this.url = url.replace(/\/+$/, '');
  }

  /**
   * The models Ollama lists now.
   * @throws AitbcError UNREACHABLE when no Ollama answers.
   */
  async listModels(): Promise<{ models: string[]; digests: Record<string, string> }> {
    const reply = (await this.json('GET', '/api/tags')) as TagsReply;
    const models: string[] = [];
    const digests: Record<string, string> = {};
    for (const m of reply.models ?? []) {
      const name = typeof m.name === 'string' ? m.name : typeof m.model === 'string' ? m.model : undefined;
      if (name === undefined) continue;
      const names = name.endsWith(':latest') ? [name, name.slice(0, -':latest'.length)] : [name];
      for (const n of names) {
        if (models.includes(n)) continue;
        models.push(n);
        if (typeof m.digest === 'string')
          digests[n] = m.digest.includes(':') ? m.digest : `sha256:${m.digest}`;
      }
    }
    return { models, digests };
  }

  async generate(
    req: GenerateRequest,
    onTokens: (tokens: string[]) => void,
    signal: AbortSignal,
  ): Promise<GenerateResult> {
    const { models, digests } = await this.listModels();
    if (!models.includes(req.model)) throw modelNotAvailable('ollama', req.model, models);
    await this.show(req.model, models);
    const options: Record<string, number> = { num_predict: req.maxTokens };
    if (req.temperature !== undefined) options.temperature = req.temperature;
    if (req.seed !== undefined) options.seed = req.seed;
    const body = JSON.stringify({ model: req.model, prompt: req.prompt, stream: true, options });
    let res: Response;
    try {
      res = await fetch(`${this.url}/api/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal,
      });
    } catch (e) {
      if (signal.aborted) return { output: '', tokensIn: 0, tokensOut: 0, stopped: true };
      throw this.unreachable(e);
    }
    if (!res.ok || res.body === null) {
      const text = await res.text();
      if (res.status === 404) throw modelNotAvailable('ollama', req.model, models);
      throw new AitbcError(
        'UNREACHABLE',
        `Ollama refused to generate (HTTP ${res.status}): ${text.slice(0, 200)}`,
        {
          url: this.url,
          status: res.status,
        },
      );
    }
    const tokens: string[] = [];
    let tokensIn: number | undefined;
    let evalCount: number | undefined;
    let stopped = false;
    let buf = '';
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let i = buf.indexOf('\n');
        while (i >= 0) {
          const line = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          i = buf.indexOf('\n');
          if (line === '') continue;
          const chunk = JSON.parse(line) as GenerateChunk;
          if (typeof chunk.error === 'string')
            throw new AitbcError('UNREACHABLE', `Ollama failed: ${chunk.error}`, { url: this.url });
          if (typeof chunk.response === 'string' && chunk.response !== '' && tokens.length < req.maxTokens) {
            tokens.push(chunk.response);
            onTokens([chunk.response]);
          }
          if (chunk.done === true) {
            if (typeof chunk.prompt_eval_count === 'number') tokensIn = chunk.prompt_eval_count;
            if (typeof chunk.eval_count === 'number') evalCount = chunk.eval_count;
          }
        }
      }
    } catch (e) {
      if (!signal.aborted) throw e instanceof AitbcError ? e : this.unreachable(e);
      stopped = true;
    }
    if (signal.aborted) stopped = true;
    const tokensOut = Math.min(req.maxTokens, Math.max(tokens.length, stopped ? 0 : (evalCount ?? 0)));
    return {
      output: tokens.join(''),
      // Ollama reports prompt tokens only at the end; a run stopped early charges none.
      tokensIn: tokensIn ?? 0,
      tokensOut,
      ...(digests[req.model] === undefined ? {} : { modelDigest: digests[req.model] }),
      stopped,
    };
  }

  /** `POST /api/show`: confirms the model exists right before it runs. */
  private async show(model: string, served: readonly string[]): Promise<void> {
    try {
      await this.json('POST', '/api/show', { model });
    } catch (e) {
      if (e instanceof AitbcError && e.details.status === 404)
        throw modelNotAvailable('ollama', model, served);
      throw e;
    }
  }

  private async json(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(this.url + path, {
        method,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw this.unreachable(e);
    }
    const text = await res.text();
    if (!res.ok)
      throw new AitbcError('UNREACHABLE', `Ollama answered ${method} ${path} with HTTP ${res.status}`, {
        url: this.url,
        status: res.status,
      });
    try {
      return JSON.parse(text);
    } catch {
      throw new AitbcError('UNREACHABLE', `${this.url}${path} did not answer JSON; is it Ollama?`, {
        url: this.url,
      });
    }
  }

  private unreachable(e: unknown): AitbcError {
    return new AitbcError(
      'UNREACHABLE',
      `cannot reach Ollama at ${this.url} (${(e as Error).message})`,
      { url: this.url },
      { cause: e, hint: 'start Ollama (`ollama serve`) or give --ollama-url' },
    );
  }
}
