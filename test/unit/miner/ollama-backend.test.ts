/**
 * The ollama backend against a small local HTTP server that implements the three endpoints it uses with
 * the field names of Ollama's API documentation (https://github.com/ollama/ollama/blob/main/docs/api.md):
 * `GET /api/tags` → `{models: [{name, model, digest, …}]}`, `POST /api/show {model}` (404 `{error}` for an
 * unknown model), and streaming `POST /api/generate {model, prompt, stream, options: {num_predict,
 * temperature, seed}}` → NDJSON `{model, created_at, response, done: false}` … `{done: true, done_reason,
 * prompt_eval_count, eval_count}`. No real Ollama can be installed in this environment, so this server
 * stands in for it; the miner is then run against it end to end through the real HTTP client.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OllamaBackend } from '../../../src/miner/backends/ollama.js';

const DIGEST = 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72';
const requests: Array<{ path: string; body: any }> = [];
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      const body = raw === '' ? undefined : JSON.parse(raw);
      requests.push({ path: req.url ?? '', body });
      if (req.method === 'GET' && req.url === '/api/tags') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            models: [
              {
                name: 'llama3.2:latest',
                model: 'llama3.2:latest',
                modified_at: '2024-09-25T12:00:00Z',
                size: 2019393189,
                digest: DIGEST,
                details: {
                  format: 'gguf',
                  family: 'llama',
                  parameter_size: '3.2B',
                  quantization_level: 'Q4_K_M',
                },
              },
            ],
          }),
        );
        return;
      }
      if (req.method === 'POST' && req.url === '/api/show') {
        if (body.model !== 'llama3.2' && body.model !== 'llama3.2:latest') {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: `model '${body.model}' not found` }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            modelfile: '# Modelfile',
            parameters: '',
            template: '{{ .Prompt }}',
            details: { family: 'llama' },
          }),
        );
        return;
      }
      if (req.method === 'POST' && req.url === '/api/generate') {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        const words = ['The', ' sky', ' is', ' blue', ' because', ' of', ' Rayleigh', ' scattering'];
        const n = Math.min(words.length, body.options?.num_predict ?? words.length);
        for (let i = 0; i < n; i++)
          res.write(
            `${JSON.stringify({ model: body.model, created_at: '2024-09-25T12:00:00Z', response: words[i], done: false })}\n`,
          );
        res.end(
          `${JSON.stringify({ model: body.model, created_at: '2024-09-25T12:00:01Z', response: '', done: true, done_reason: n < words.length ? 'length' : 'stop', prompt_eval_count: 26, eval_count: n })}\n`,
        );
        return;
      }
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('ollama backend (fake Ollama server on loopback)', () => {
  it('serves the models Ollama lists, with their digests, also under the name without :latest', async () => {
    const b = new OllamaBackend(url);
    expect(await b.listModels()).toEqual({
      models: ['llama3.2:latest', 'llama3.2'],
      digests: { 'llama3.2:latest': `sha256:${DIGEST}`, 'llama3.2': `sha256:${DIGEST}` },
    });
  });

  it('streams /api/generate with num_predict, temperature and seed, counting tokens as Ollama does', async () => {
    const tokens: string[] = [];
    requests.length = 0;
    const r = await new OllamaBackend(url).generate(
      { model: 'llama3.2', prompt: 'Why is the sky blue?', maxTokens: 5, temperature: 0.2, seed: 7 },
      (t) => tokens.push(...t),
      new AbortController().signal,
    );
    expect(tokens).toEqual(['The', ' sky', ' is', ' blue', ' because']);
    expect(r).toEqual({
      output: 'The sky is blue because',
      tokensIn: 26,
      tokensOut: 5,
      modelDigest: `sha256:${DIGEST}`,
      stopped: false,
    });
    expect(requests.map((q) => q.path)).toEqual(['/api/tags', '/api/show', '/api/generate']);
    expect(requests[2].body).toEqual({
      model: 'llama3.2',
      prompt: 'Why is the sky blue?',
      stream: true,
      options: { num_predict: 5, temperature: 0.2, seed: 7 },
    });
  });

  it('refuses a job for a model the server does not list, without generating', async () => {
    requests.length = 0;
    await expect(
      new OllamaBackend(url).generate(
        { model: 'mistral', prompt: 'hi', maxTokens: 4 },
        () => {},
        new AbortController().signal,
      ),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: { reason: 'MODEL_NOT_AVAILABLE', model: 'mistral' },
    });
    expect(requests.some((q) => q.path === '/api/generate')).toBe(false);
  });

  it('says UNREACHABLE when no Ollama answers', async () => {
    await expect(new OllamaBackend('http://127.0.0.1:9', 1000).listModels()).rejects.toMatchObject({
      code: 'UNREACHABLE',
    });
  });
});
