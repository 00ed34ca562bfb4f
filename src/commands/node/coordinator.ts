import * as path from 'node:path';
import { nodeFlags, walletFlags } from '../../cli/flags.js';
import { Flags } from '../../cli/oclif.js';
import type { CoordinatorEvent } from '../../coordinator/events.js';
import { DaemonCommand } from './start.js';

export default class NodeCoordinator extends DaemonCommand<typeof NodeCoordinator> {
  static override summary = 'Run the marketplace coordinator in the foreground';
  static override description =
    'Serves the coordinator API of DESIGN §8 (jobs, miners, receipts, /health, /metrics) for one chain, checks clients’ escrow locks on the node, leases jobs to miners, counter-signs receipts and settles escrows (release or refund) from its own account. State lives in <home>/coordinator/<chainId>/coordinator.db and survives restarts. The key is --key-file (a keystore or a devnet key file; default <home>/coordinator/key.json when present) or --wallet, unlocked with --password-file, AITBC_PASSWORD or AITBC_PASSWORD_FILE. With --json stdout carries NDJSON: {"type":"ready","chainId":…,"endpoints":{"api":…},"coordinator":ADDRESS} once listening, then one event per line. Stops cleanly on SIGINT or SIGTERM.';
  static override examples = [
    '<%= config.bin %> node coordinator --key-file coordinator.json',
    'AITBC_PASSWORD_FILE=pw.txt <%= config.bin %> node coordinator --wallet coord --port 18000',
    '<%= config.bin %> node coordinator --port 0 --json --node http://127.0.0.1:26657',
  ];
  static override flags = {
    node: nodeFlags.node,
    chain: nodeFlags.chain,
    port: Flags.integer({ description: 'API port (0 picks a free one)', default: 18000, min: 0, max: 65535 }),
    host: Flags.string({ description: 'address the API listens on', default: '127.0.0.1' }),
    'key-file': Flags.string({
      description: 'coordinator key: a keystore or devnet key file (default <home>/coordinator/key.json)',
      exclusive: ['wallet'],
    }),
    wallet: walletFlags.wallet,
    'password-file': walletFlags['password-file'],
    'api-keys': Flags.string({
      description:
        'JSON file of API keys and roles (client, miner, admin); without it no X-Api-Key is needed',
    }),
    'lease-ttl-ms': Flags.integer({
      description: 'a miner silent this long loses its leases (default 10000)',
      min: 100,
    }),
    'heartbeat-interval-ms': Flags.integer({
      description: 'heartbeat interval told to miners (default 2000)',
      min: 50,
    }),
    'max-attempts': Flags.integer({
      description: 'leases a job gets before it fails (default 3)',
      min: 1,
      max: 100,
    }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    const signer = await this.coordinatorKey();
    let apiKeys: import('../../coordinator/index.js').ApiKeyEntry[] | undefined;
    if (f['api-keys'] !== undefined) {
      const fs = await import('node:fs');
      const { parseApiKeys } = await import('../../coordinator/index.js');
      let text: string;
      try {
        text = fs.readFileSync(f['api-keys'], 'utf8');
      } catch (e) {
        const { AitbcError } = await import('../../core/errors.js');
        throw new AitbcError(
          'CONFIG',
          `cannot read ${f['api-keys']}: ${(e as NodeJS.ErrnoException).code ?? e}`,
          {
            file: f['api-keys'],
          },
        );
      }
      apiKeys = parseApiKeys(text, f['api-keys']);
    }
    const nodeUrl = this.setting('node', f.node).value as string;
    const chainId = this.setting('chain', f.chain).value;
    const { startCoordinator } = await import('../../coordinator/index.js');
    const coordinator = await startCoordinator({
      signer,
      home: this.home.root,
      nodeUrl,
      ...(chainId === undefined ? {} : { chainId }),
      host: f.host,
      port: f.port,
      ...(apiKeys === undefined ? {} : { apiKeys }),
      timing: {
        ...(f['lease-ttl-ms'] === undefined ? {} : { leaseTtlMs: f['lease-ttl-ms'] }),
        ...(f['heartbeat-interval-ms'] === undefined
          ? {}
          : { heartbeatIntervalMs: f['heartbeat-interval-ms'] }),
      },
      limits: f['max-attempts'] === undefined ? {} : { maxAttempts: f['max-attempts'] },
      version: this.config.version,
      onEvent: (e) => this.log_(e),
    });
    this.emit({
      type: 'ready',
      chainId: coordinator.chainId,
      endpoints: {
        api: coordinator.url,
        health: `${coordinator.url}/health`,
        metrics: `${coordinator.url}/metrics`,
      },
      coordinator: coordinator.address,
      publicKey: coordinator.publicKey,
      node: nodeUrl,
      settlementTxFee: coordinator.fee.toString(),
      database: coordinator.dbPath,
      apiKeys: apiKeys === undefined ? 0 : apiKeys.length,
      pid: process.pid,
    });
    if (!this.jsonEnabled()) {
      const o = this.out;
      o.info(o.bold(`aitbc coordinator ${this.config.version} — ${coordinator.address}`));
      o.info(`  chain     ${coordinator.chainId} via ${nodeUrl}`);
      o.info(`  API       ${coordinator.url}  (health /health, metrics /metrics)`);
      o.info(`  database  ${coordinator.dbPath}`);
      o.info(`  API keys  ${apiKeys === undefined ? 'none (open to any signed request)' : apiKeys.length}`);
      o.info('Press Ctrl-C to stop.');
    }
    const signal = await this.untilSignal();
    await coordinator.close();
    this.emit({ type: 'stopped', signal });
    if (!this.jsonEnabled()) this.out.info(`stopped (${signal})`);
  }

  /** The signer from --wallet, --key-file, or <home>/coordinator/key.json. */
  private async coordinatorKey(): Promise<import('../../crypto/ed25519.js').Signer> {
    const f = this.flags;
    if (f.wallet !== undefined) return (await this.unlockWallet({ name: f.wallet })).signer;
    const fs = await import('node:fs');
    const file = f['key-file'] ?? path.join(this.home.root, 'coordinator', 'key.json');
    if (f['key-file'] === undefined && !fs.existsSync(file))
      this.missing('coordinator key', `--key-file FILE or --wallet NAME (or put a key at ${file})`);
    const { loadKeyFile } = await import('../../node/keys.js');
    const key = await loadKeyFile(file, this.passwordProvider(f['password-file']));
    return key.signer;
  }

  /** A service event: NDJSON under --json, else one log line on stderr. */
  private log_(e: CoordinatorEvent): void {
    if (this.jsonEnabled()) return this.emit(e);
    const at = this.out.dim(new Date().toISOString());
    switch (e.type) {
      case 'job':
        this.out.info(
          `${at} job ${e.jobId} ${e.state}${e.miner ? ` miner=${e.miner}` : ''}${e.error ? ` (${e.error.code}: ${e.error.message})` : ''}`,
        );
        return;
      case 'settlement':
        this.out.info(
          `${at} ${e.kind} ${e.jobId} ${e.status}${e.txHash ? ` tx=${e.txHash.slice(0, 12)}…` : ''}${e.height !== undefined ? ` height=${e.height}` : ''}${e.log ? ` (${e.log})` : ''}`,
        );
        return;
      case 'miner':
        this.out.info(`${at} miner ${e.miner} ${e.event}${e.models ? ` models=${e.models.join(',')}` : ''}`);
        return;
      case 'warning':
        this.out.warn(e.message);
    }
  }
}
