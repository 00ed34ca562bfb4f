import { AitbcCommand } from '../../cli/base-command.js';
import { errorJson, toAitbcError } from '../../cli/errors.js';
import { type Command, Flags } from '../../cli/oclif.js';
import type { NodeEvent } from '../../node/daemon.js';

/** Flags of every daemon command that serves the chain's RPC. */
export const rpcListenFlags = {
  'rpc-host': Flags.string({
    description:
      'address the RPC and WebSocket listen on (non-loopback turns the faucet off unless --allow-public-faucet)',
    default: '127.0.0.1',
  }),
  'rpc-port': Flags.integer({
    description: 'RPC port (0 picks a free one)',
    default: 26657,
    min: 0,
    max: 65535,
  }),
  'ws-port': Flags.integer({
    description: 'WebSocket port (0 picks a free one)',
    default: 26658,
    min: 0,
    max: 65535,
  }),
  'allow-public-faucet': Flags.boolean({
    description: 'serve the faucet even on a non-loopback RPC address',
  }),
};

/**
 * A foreground daemon command (DESIGN §4): with --json, stdout carries NDJSON — a ready event once
 * every listener is bound, then one event per line, then `{"type":"stopped"}` — and a failure is one
 * line `{"type":"error","error":{…}}` with the matching exit code; without --json a banner and log
 * lines go to stderr. SIGINT and SIGTERM stop it gracefully (exit 0).
 */
export abstract class DaemonCommand<T extends typeof Command> extends AitbcCommand<T, void> {
  /** Events that came before the ready event (a first block can be made while listeners finish). */
  private early: NodeEvent[] | undefined = [];

  /** One NDJSON line under --json. */
  protected emit(event: Record<string, unknown>): void {
    if (this.jsonEnabled()) this.out.line(JSON.stringify(event));
  }

  /**
   * The ready event, always the first line; what happened while starting follows on the next turn of
   * the event loop, after the caller's banner.
   */
  protected announceReady(event: Record<string, unknown>): void {
    this.emit({ type: 'ready', ...event });
    setImmediate(() => {
      const early = this.early ?? [];
      this.early = undefined;
      for (const e of early) this.report(e);
    });
  }

  /** A daemon event: NDJSON under --json, else a log line on stderr. */
  protected report(e: NodeEvent): void {
    if (this.early !== undefined) {
      this.early.push(e);
      return;
    }
    if (this.jsonEnabled()) return this.emit(e);
    const at = new Date().toISOString();
    if (e.type === 'block')
      this.out.info(
        `${this.out.dim(at)} ${e.chainId} block ${e.height} ${e.hash.slice(0, 12)}… txs=${e.txs}${e.failedTxs ? ` failed=${e.failedTxs}` : ''} (${e.elapsedMs} ms)`,
      );
    else if (e.type === 'warning') this.out.warn(e.message);
    else process.stderr.write(`${at} ${this.out.red('error')} ${e.chainId ?? ''} ${e.code}: ${e.message}\n`);
  }

  /**
   * Resolves with the first signal that asks the daemon to stop. The listeners stay installed until
   * the process exits, so a second signal during shutdown is ignored, and libraries that re-raise a
   * signal when nobody else listens (signal-exit) never kill the process in the middle of stopping.
   */
  protected untilSignal(): Promise<NodeJS.Signals> {
    return new Promise((resolve) => {
      process.on('SIGINT', resolve);
      process.on('SIGTERM', resolve);
    });
  }

  /** Reads keystore passwords (validator, faucet) once, from --password-file or the environment. */
  protected passwordProvider(file?: string): (keyFile: string) => Promise<string> {
    let cached: Promise<string> | undefined;
    return (keyFile) => {
      cached ??= import('../../cli/passwords.js').then((p) =>
        p.unlockPassword(
          { file, env: process.env, interactive: this.interactive },
          `Password for ${keyFile}`,
        ),
      );
      return cached;
    };
  }

  override async _run<U>(): Promise<U> {
    try {
      await this.init();
      await this.run();
    } catch (err) {
      await this.catch(err as Error);
    } finally {
      await this.finally(undefined);
    }
    return undefined as U;
  }

  override async catch(err: Error & { exitCode?: number }): Promise<never> {
    if (this.flags === undefined || !this.jsonEnabled()) return super.catch(err);
    const doc = errorJson(toAitbcError(err));
    process.stdout.write(`${JSON.stringify({ type: 'error', error: doc.error })}\n`);
    process.exit(doc.error.exitCode);
  }
}

export default class NodeStart extends DaemonCommand<typeof NodeStart> {
  static override summary = 'Run the chain node in the foreground';
  static override description =
    'Hosts every chain under <home>/node/chains/ (the first is the default), produces blocks as their validator, and serves JSON-RPC 2.0 (POST / and GET /<method>), /metrics and WebSocket subscriptions. The validator key is node/validator.json (unlocked with --password-file, AITBC_PASSWORD or AITBC_PASSWORD_FILE when encrypted) or --key-file. With --json stdout carries NDJSON: {"type":"ready",…} once every listener is bound, then one event per block. Stops cleanly on SIGINT or SIGTERM.';
  static override examples = [
    'AITBC_PASSWORD_FILE=pw.txt <%= config.bin %> node start',
    '<%= config.bin %> node start --rpc-port 0 --ws-port 0 --json',
  ];
  static override flags = {
    ...rpcListenFlags,
    'key-file': Flags.string({
      description: 'validator key file (keystore or devnet key) instead of node/validator.json',
    }),
    'password-file': Flags.string({
      description: 'file whose first line is the key password [env: AITBC_PASSWORD_FILE]',
    }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    const { NodeDaemon } = await import('../../node/daemon.js');
    // Listen before anything can announce readiness: a signal that arrives between the ready line and
    // a later listener would otherwise meet the default action and kill the process mid-flight.
    const stopSignal = this.untilSignal();
    const daemon = await NodeDaemon.start({
      home: this.home.root,
      rpcHost: f['rpc-host'],
      rpcPort: f['rpc-port'],
      wsPort: f['ws-port'],
      allowPublicFaucet: f['allow-public-faucet'],
      ...(f['key-file'] === undefined ? {} : { keyFile: f['key-file'] }),
      password: this.passwordProvider(f['password-file']),
      nodeVersion: this.config.version,
      onEvent: (e) => this.report(e),
    });
    const first = daemon.chains[0];
    this.announceReady({
      chainId: first.chainId,
      chains: daemon.chains.map((c) => c.chainId),
      endpoints: daemon.endpoints,
      faucet: first.genesis.faucet === undefined ? null : { address: first.genesis.faucet.address },
      validator: daemon.validator.address,
      home: this.home.root,
      pid: process.pid,
    });
    if (!this.jsonEnabled()) {
      this.out.info(`aitbc node ${this.config.version} — validator ${daemon.validator.address}`);
      for (const c of daemon.chains)
        this.out.info(`  chain ${c.chainId} at height ${c.tip().height} (genesis ${c.genesisHash})`);
      this.out.info(
        `  RPC ${daemon.endpoints.rpc}  WebSocket ${daemon.endpoints.ws}  metrics ${daemon.endpoints.metrics}`,
      );
      this.out.info('Press Ctrl-C to stop.');
    }
    const signal = await stopSignal;
    await daemon.stop();
    this.emit({ type: 'stopped', signal });
    if (!this.jsonEnabled()) this.out.info(`stopped (${signal})`);
  }
}
