/**
 * The `llama-cpp` backend (DESIGN §8): node-llama-cpp running one local GGUF file on the CPU, served
 * under one model name (by default the file's name without `.gguf`). Its digest is `sha256:` + the hex
 * SHA-256 of the file's bytes, so a receipt names exactly the weights that produced the output.
 *
 * node-llama-cpp is an optional dependency: it is imported only here, on first use, with its prebuilt
 * binary (`build: 'never'` — nothing is downloaded or compiled at run time). The model is loaded once and
 * kept; each job gets its own context sized to the prompt plus `maxTokens`, so concurrent jobs never share
 * a KV cache. `tokensIn` is the prompt's length in the model's own tokenizer (without the BOS token the
 * completion adds); `tokensOut` counts the tokens sampled, never more than `maxTokens`. llama.cpp's log
 * lines are captured, not printed, and the error ones are quoted when a file fails to load.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AitbcError } from '../../core/errors.js';
import {
  type GenerateRequest,
  type GenerateResult,
  type InferenceBackend,
  modelNotAvailable,
} from '../backend.js';

type NodeLlamaCpp = typeof import('node-llama-cpp');
type Llama = import('node-llama-cpp').Llama;
type LlamaModel = import('node-llama-cpp').LlamaModel;

export interface LlamaCppOptions {
  /** The GGUF file to serve. */
  modelFile: string;
  /** The model name jobs ask for; default the file's basename without `.gguf`. */
  modelName?: string;
  /**
   * CPU threads per job, default 1: jobs run side by side (the miner's concurrency), and on a small or
   * busy machine llama.cpp's threads spin-waiting on each other cost far more than they gain.
   */
  threads?: number;
}

interface Loaded {
  lib: NodeLlamaCpp;
  llama: Llama;
  model: LlamaModel;
}

/** The model name a GGUF file is served under when none is given: `models/tiny.gguf` → `tiny`. */
export function ggufModelName(file: string): string {
  return path.basename(file).replace(/\.gguf$/i, '');
}

export class LlamaCppBackend implements InferenceBackend {
  readonly name = 'llama-cpp' as const;
  readonly modelFile: string;
  readonly modelName: string;
  private loaded?: Promise<Loaded>;
  private digest?: Promise<string>;

  constructor(private readonly opts: LlamaCppOptions) {
    this.modelFile = path.resolve(opts.modelFile);
    this.modelName = opts.modelName ?? ggufModelName(opts.modelFile);
    if (this.modelName === '')
      throw new AitbcError('USAGE', 'the llama-cpp backend needs a model name', { file: this.modelFile });
  }

  /**
   * The one model this backend serves, with the file's digest. Loads the model, so a file llama.cpp
   * cannot read is refused here (when the miner starts) rather than at every job.
   * @throws AitbcError INVALID_INPUT when the file is missing or not a loadable GGUF model;
   *   CONFIG when node-llama-cpp or its prebuilt binary cannot be loaded.
   */
  async listModels(): Promise<{ models: string[]; digests: Record<string, string> }> {
    await this.load();
    return { models: [this.modelName], digests: { [this.modelName]: await this.fileDigest() } };
  }

  async generate(
    req: GenerateRequest,
    onTokens: (tokens: string[]) => void,
    signal: AbortSignal,
  ): Promise<GenerateResult> {
    if (req.model !== this.modelName) throw modelNotAvailable('llama-cpp', req.model, [this.modelName]);
    const { lib, model } = await this.load();
    const modelDigest = await this.fileDigest();
    if (signal.aborted) return { output: '', tokensIn: 0, tokensOut: 0, modelDigest, stopped: true };
    const tokensIn = model.tokenize(req.prompt).length;
    const trainContext = model.trainContextSize;
    // +1 for the BOS token the completion puts before the prompt.
    if (tokensIn + 1 >= trainContext)
      throw new AitbcError(
        'INVALID_INPUT',
        `the prompt is ${tokensIn} tokens; model "${this.modelName}" has a context of ${trainContext}`,
        { model: this.modelName, tokensIn, contextSize: trainContext },
      );
    const contextSize = Math.min(trainContext, tokensIn + 1 + req.maxTokens);
    let context: import('node-llama-cpp').LlamaContext;
    try {
      context = await model.createContext({ contextSize, threads: this.opts.threads ?? 1 });
    } catch (e) {
      throw new AitbcError(
        'INTERNAL',
        `llama.cpp cannot create a ${contextSize}-token context for model "${this.modelName}": ${(e as Error).message}`,
        { model: this.modelName, file: this.modelFile, contextSize },
        { cause: e },
      );
    }
    const chunks: string[] = [];
    // llama.cpp's own detokenized text when the run resolves; the streamed chunks when it rejects.
    let output: string | undefined;
    let tokensOut = 0;
    let stopped = false;
    try {
      const completion = new lib.LlamaCompletion({ contextSequence: context.getSequence() });
      try {
        const { response, metadata } = await completion.generateCompletionWithMeta(req.prompt, {
          maxTokens: req.maxTokens,
          temperature: req.temperature ?? 0,
          ...(req.seed === undefined ? {} : { seed: req.seed }),
          signal,
          stopOnAbortSignal: true,
          onToken: (tokens) => {
            tokensOut += tokens.length;
          },
          onTextChunk: (text) => {
            if (text === '') return;
            chunks.push(text);
            onTokens([text]);
          },
        });
        output = response;
        stopped = metadata.stopReason === 'abort';
      } catch (e) {
        // An abort during prompt evaluation rejects instead of resolving; it is still a stop, not a failure.
        if (!signal.aborted)
          throw new AitbcError(
            'INTERNAL',
            `llama.cpp failed on model "${this.modelName}": ${(e as Error).message}`,
            { model: this.modelName, file: this.modelFile },
            { cause: e },
          );
        stopped = true;
      }
    } finally {
      await context.dispose();
    }
    return {
      output: output ?? chunks.join(''),
      tokensIn,
      tokensOut: Math.min(tokensOut, req.maxTokens),
      modelDigest,
      stopped,
    };
  }

  /** Imports node-llama-cpp and loads the model, once; a failed load is retried on the next call. */
  private load(): Promise<Loaded> {
    if (this.loaded === undefined) {
      this.loaded = this.loadOnce();
      this.loaded.catch(() => {
        this.loaded = undefined;
      });
    }
    return this.loaded;
  }

  private async loadOnce(): Promise<Loaded> {
    const file = this.modelFile;
    checkGgufHeader(file);
    const { lib, llama } = await runtime();
    llamaErrors.length = 0;
    try {
      const model = await llama.loadModel({ modelPath: file });
      return { lib, llama, model };
    } catch (e) {
      const why = (await llamaLoadErrors()).join('; ');
      throw new AitbcError(
        'INVALID_INPUT',
        `llama.cpp cannot load the GGUF model ${file}: ${why || (e as Error).message}`,
        { file, reason: (e as Error).message },
        { cause: e },
      );
    }
  }

  private fileDigest(): Promise<string> {
    if (this.digest === undefined) {
      this.digest = sha256File(this.modelFile).then((hex) => `sha256:${hex}`);
      this.digest.catch(() => {
        this.digest = undefined;
      });
    }
    return this.digest;
  }
}

/** llama.cpp's latest error lines (its logger is process-wide), quoted when a file fails to load. */
const llamaErrors: string[] = [];
let runtimePromise: Promise<{ lib: NodeLlamaCpp; llama: Llama }> | undefined;

/**
 * node-llama-cpp and its native binding, loaded once per process: the binding and its logger are
 * process-wide, so every backend instance shares one `Llama`.
 * @throws AitbcError CONFIG when the package or its prebuilt CPU binary cannot be loaded.
 */
function runtime(): Promise<{ lib: NodeLlamaCpp; llama: Llama }> {
  runtimePromise ??= (async () => {
    try {
      const lib = await import('node-llama-cpp');
      const llama = await lib.getLlama({
        gpu: false,
        build: 'never',
        logLevel: lib.LlamaLogLevel.error,
        logger: (level, message) => {
          if (level !== lib.LlamaLogLevel.error && level !== lib.LlamaLogLevel.fatal) return;
          llamaErrors.push(message.trim());
          if (llamaErrors.length > 8) llamaErrors.shift();
        },
      });
      return { lib, llama };
    } catch (e) {
      runtimePromise = undefined;
      throw new AitbcError(
        'CONFIG',
        `the llama-cpp backend cannot load node-llama-cpp and its prebuilt CPU binary: ${(e as Error).message}`,
        {},
        { cause: e, hint: 'install the optional dependency node-llama-cpp (npm install --include=optional)' },
      );
    }
  })();
  return runtimePromise;
}

/**
 * llama.cpp's error lines about a failed load. They reach JS from the loader thread asynchronously, and
 * may arrive just after the rejection: wait (briefly, bounded) for its closing "failed to load model" line.
 */
async function llamaLoadErrors(): Promise<string[]> {
  for (let waited = 0; waited < 500; waited += 10) {
    if (llamaErrors.some((l) => /failed to load model/i.test(l))) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return llamaErrors.filter((l) => l !== '');
}

/** Refuses early, with a plain message, a path that is not a readable GGUF file. */
function checkGgufHeader(file: string): void {
  let magic: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      magic = Buffer.alloc(4);
      const n = fs.readSync(fd, magic, 0, 4, 0);
      magic = magic.subarray(0, n);
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    throw new AitbcError(
      'INVALID_INPUT',
      `cannot read the GGUF model file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      { file },
      { cause: e },
    );
  }
  if (magic.toString('latin1') !== 'GGUF')
    throw new AitbcError(
      'INVALID_INPUT',
      `${file} is not a GGUF model file (it does not start with "GGUF")`,
      {
        file,
      },
    );
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', (e) =>
        reject(new AitbcError('INVALID_INPUT', `cannot read ${file}: ${e.message}`, { file }, { cause: e })),
      )
      .on('end', () => resolve(hash.digest('hex')));
  });
}
