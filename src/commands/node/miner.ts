import * as path from 'node:path';
import { coordinatorFlags, walletFlags } from '../../cli/flags.js';
import { Flags } from '../../cli/oclif.js';
import type { MinerEvent } from '../../miner/miner.js';
import { DaemonCommand } from './start.js';

export default class NodeMiner extends DaemonCommand<typeof NodeMiner> {
  static override summary = 'Run a miner in the foreground';
  static override description =
    'Registers a signed capability record with the coordinator (models, backend, GPU from nvidia-smi when present, unit price per 1,000 tokens, concurrency, payTo), heart-beats, long-polls for jobs, runs exactly the model each job names, streams tokens and delivers the output with its signed half of the receipt; failures are reported as failures. Backends: ollama (the models a local Ollama lists), llama-cpp (one local GGUF file given by --model-file, served under the one name in --models or the file’s name without .gguf; its digest is the file’s SHA-256), echo (the test model `echo`). The key is --key-file (a keystore or devnet key file; default <home>/miner/key.json when present) or --wallet. With --json stdout carries NDJSON: {"type":"ready",…} once registered and listening, then one event per job. Stops cleanly on SIGINT or SIGTERM, giving running jobs back.';
  static override examples = [
    '<%= config.bin %> node miner --key-file miner.json --backend ollama --unit-price 1000uait',
    '<%= config.bin %> node miner --wallet gpu1 --backend echo --health-port 0 --json',
    '<%= config.bin %> node miner --key-file miner.json --backend llama-cpp --model-file models/tiny.gguf --models tiny',
  ];
  static override flags = {
    coordinator: coordinatorFlags.coordinator,
    'api-key': coordinatorFlags['api-key'],
    'key-file': Flags.string({
      description: 'miner key: a keystore or devnet key file (default <home>/miner/key.json)',
      exclusive: ['wallet'],
    }),
    wallet: walletFlags.wallet,
    'password-file': walletFlags['password-file'],
    backend: Flags.string({
      description: 'inference backend',
      options: ['ollama', 'llama-cpp', 'echo'],
      default: 'echo',
    }),
    models: Flags.string({
      description: 'comma-separated models to serve (default: all the backend serves)',
    }),
    'unit-price': Flags.string({
      description: 'price per 1,000 tokens: AIT, or with a unit (e.g. 1000uait)',
      default: '1000uait',
    }),
    concurrency: Flags.integer({ description: 'jobs run at once', default: 4, min: 1, max: 256 }),
    'pay-to': Flags.string({ description: 'address paid for this miner’s work (default: the miner’s own)' }),
    'health-port': Flags.integer({
      description: 'port of GET /health (0 picks a free one)',
      default: 18001,
      min: 0,
      max: 65535,
    }),
    'echo-delay-ms': Flags.integer({ description: 'echo backend: delay per token', default: 0, min: 0 }),
    'ollama-url': Flags.string({
      description: 'ollama backend: server URL (default http://127.0.0.1:11434)',
    }),
    'model-file': Flags.string({
      description: 'llama-cpp backend: the GGUF model file to serve (--models gives its one name)',
    }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    const { AitbcError } = await import('../../core/errors.js');
    const { parseAmount } = await import('../../core/amount.js');
    const { parseAddress } = await import('../../crypto/address.js');
    const { createBackend, detectGpu, startMiner } = await import('../../miner/index.js');
    const unitPrice = parseAmount(f['unit-price']);
    const payTo = f['pay-to'] === undefined ? undefined : parseAddress(f['pay-to'], 'pay-to');
    const models = f.models
      ?.split(',')
      .map((m) => m.trim())
      .filter((m) => m !== '');
    if (models !== undefined && models.length === 0)
      throw new AitbcError('INVALID_INPUT', '--models lists no model', { flag: 'models' });
    if (f['model-file'] !== undefined && f.backend !== 'llama-cpp')
      throw new AitbcError('USAGE', '--model-file is for --backend llama-cpp', { flag: 'model-file' });
    if (f.backend === 'llama-cpp' && models !== undefined && models.length > 1)
      throw new AitbcError(
        'USAGE',
        'the llama-cpp backend serves one model per GGUF file: give one name in --models',
        {
          flag: 'models',
        },
      );
    const backend = createBackend(f.backend, {
      echoDelayMs: f['echo-delay-ms'],
      ollamaUrl: f['ollama-url'],
      modelFile: f['model-file'],
      modelName: f.backend === 'llama-cpp' ? models?.[0] : undefined,
    });
    const signer = await this.minerKey();
    const gpu = await detectGpu();
    const coordinatorUrl = this.setting('coordinator', f.coordinator).value as string;
    const apiKey = this.setting('api-key', f['api-key']).value;
    const miner = await startMiner({
      signer,
      coordinatorUrl,
      backend,
      ...(models === undefined ? {} : { models }),
      unitPrice,
      concurrency: f.concurrency,
      ...(payTo === undefined ? {} : { payTo }),
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(gpu === undefined ? {} : { gpu }),
      healthPort: f['health-port'],
      version: `aitbc ${this.config.version}`,
      onEvent: (e) => this.log_(e),
    });
    this.emit({
      type: 'ready',
      chainId: miner.chainId,
      endpoints: { coordinator: coordinatorUrl, ...(miner.healthUrl ? { health: miner.healthUrl } : {}) },
      miner: miner.address,
      publicKey: miner.publicKey,
      payTo: miner.payTo,
      coordinator: miner.coordinator,
      backend: miner.backend,
      models: miner.models,
      unitPrice: miner.unitPrice,
      concurrency: miner.concurrency,
      gpu: miner.gpu ?? null,
      pid: process.pid,
    });
    if (!this.jsonEnabled()) {
      const o = this.out;
      o.info(o.bold(`aitbc miner ${this.config.version} — ${miner.address}`));
      o.info(`  coordinator ${coordinatorUrl} (${miner.coordinator}, chain ${miner.chainId})`);
      o.info(`  backend     ${miner.backend}: ${miner.models.join(', ')}`);
      o.info(`  price       ${miner.unitPrice} uait per 1,000 tokens, concurrency ${miner.concurrency}`);
      o.info(
        `  GPU         ${miner.gpu ? `${miner.gpu.name} (${miner.gpu.memoryMb} MiB)` : 'none detected'}`,
      );
      if (miner.healthUrl) o.info(`  health      ${miner.healthUrl}`);
      o.info('Press Ctrl-C to stop.');
    }
    const signal = await this.untilSignal();
    await miner.close();
    this.emit({ type: 'stopped', signal });
    if (!this.jsonEnabled()) this.out.info(`stopped (${signal})`);
  }

  /** The signer from --wallet, --key-file, or <home>/miner/key.json. */
  private async minerKey(): Promise<import('../../crypto/ed25519.js').Signer> {
    const f = this.flags;
    if (f.wallet !== undefined) return (await this.unlockWallet({ name: f.wallet })).signer;
    const fs = await import('node:fs');
    const file = f['key-file'] ?? path.join(this.home.root, 'miner', 'key.json');
    if (f['key-file'] === undefined && !fs.existsSync(file))
      this.missing('miner key', `--key-file FILE or --wallet NAME (or put a key at ${file})`);
    const { loadKeyFile } = await import('../../node/keys.js');
    return (await loadKeyFile(file, this.passwordProvider(f['password-file']))).signer;
  }

  private log_(e: MinerEvent): void {
    if (this.jsonEnabled()) return this.emit(e);
    const at = this.out.dim(new Date().toISOString());
    if (e.type === 'warning') return this.out.warn(e.message);
    if (e.type === 'registered')
      return this.out.info(`${at} registered with ${e.coordinator} models=${e.models.join(',')}`);
    this.out.info(
      `${at} job ${e.jobId} ${e.state}${e.tokensOut !== undefined ? ` tokens=${e.tokensOut}` : ''}${e.price !== undefined ? ` price=${e.price}` : ''}${e.error ? ` (${e.error.code}: ${e.error.message})` : ''}`,
    );
  }
}
