import { Flags } from '../../cli/oclif.js';
import { DaemonCommand, rpcListenFlags } from './start.js';

export default class NodeUp extends DaemonCommand<typeof NodeUp> {
  static override summary = 'Start a local devnet with one command';
  static override description =
    'Runs the chain node, the marketplace coordinator and a miner (the ollama backend serving the models a local Ollama lists when one answers at http://127.0.0.1:11434, else the echo test model; the ready event says which). Initialises the home on first run — a devnet chain (1 s blocks) with a faucet, its keys written UNENCRYPTED (0600) — and resumes it on every later run, never re-initialising it. --ephemeral runs in a temporary home removed on exit. With --json stdout carries NDJSON: first {"type":"ready","chainId":…,"endpoints":{"rpc":…,"ws":…,"metrics":…,"coordinator":…,"miner":…},"coordinator":{"address":…},"miner":{"address":…,"backend":…,"models":[…]},"faucet":{"address":…}} once every listener is bound, then one event per line ({"type":"block",…}). Stops cleanly on SIGINT or SIGTERM.';
  static override examples = [
    '<%= config.bin %> node up',
    '<%= config.bin %> node up --ephemeral --rpc-port 0 --ws-port 0 --json',
  ];
  static override flags = {
    ...rpcListenFlags,
    ephemeral: Flags.boolean({ description: 'use a temporary home, removed when the devnet stops' }),
    'chain-id': Flags.string({ description: 'first run only: the devnet chain’s id (default aitbc-devnet)' }),
    'block-time': Flags.string({ description: 'first run only: block time, e.g. 500ms or 1s (default 1s)' }),
    'password-file': Flags.string({
      description: 'password of the home’s keys, when they are encrypted [env: AITBC_PASSWORD_FILE]',
    }),
    'coordinator-port': Flags.integer({
      description: 'coordinator API port (0 picks a free one; default 18000, or 0 when --rpc-port is 0)',
      min: 0,
      max: 65535,
    }),
    'miner-port': Flags.integer({
      description: 'miner health port (0 picks a free one; default 18001, or 0 when --rpc-port is 0)',
      min: 0,
      max: 65535,
    }),
    marketplace: Flags.boolean({
      description: 'also run the coordinator and a miner (--no-marketplace: the chain node only)',
      allowNo: true,
      default: true,
    }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    const { AitbcError } = await import('../../core/errors.js');
    if (f.ephemeral && f.home !== undefined)
      throw new AitbcError('USAGE', '--ephemeral uses a temporary home: leave out --home', {});
    const { parseBlockTime } = await import('../../node/init.js');
    const { Devnet } = await import('../../node/devnet.js');
    // Listen before anything can announce readiness: a signal that arrives between the ready line and
    // a later listener would otherwise meet the default action and kill the process mid-flight.
    const stopSignal = this.untilSignal();
    const anyPort = f['rpc-port'] === 0;
    const services = [];
    if (f.marketplace) {
      const { coordinatorService, minerService } = await import('../../node/devnet-marketplace.js');
      services.push(
        coordinatorService({
          port: f['coordinator-port'] ?? (anyPort ? 0 : 18000),
          host: f['rpc-host'],
          version: this.config.version,
        }),
        minerService({ healthPort: f['miner-port'] ?? (anyPort ? 0 : 18001), version: this.config.version }),
      );
    }
    const devnet = await Devnet.start({
      home: this.home.root,
      ephemeral: f.ephemeral,
      rpcHost: f['rpc-host'],
      rpcPort: f['rpc-port'],
      wsPort: f['ws-port'],
      allowPublicFaucet: f['allow-public-faucet'],
      ...(f['chain-id'] === undefined ? {} : { chainId: f['chain-id'] }),
      ...(f['block-time'] === undefined ? {} : { blockTimeMs: parseBlockTime(f['block-time']) }),
      password: this.passwordProvider(f['password-file']),
      nodeVersion: this.config.version,
      onEvent: (e) => this.report(e),
      services,
    });
    const r = devnet.ready;
    const warnings = r.unencryptedKeys.length
      ? [`devnet keys are stored UNENCRYPTED (0600): ${r.unencryptedKeys.join(', ')}`]
      : [];
    if (!r.initialised && (f['chain-id'] !== undefined || f['block-time'] !== undefined))
      warnings.push(
        '--chain-id and --block-time apply to the first run only; this home was resumed as it is',
      );
    this.announceReady({
      chainId: r.chainId,
      endpoints: r.endpoints,
      faucet: r.faucet === null ? null : { address: r.faucet.address, maxPerRequest: r.faucet.maxPerRequest },
      validator: r.validator,
      home: r.home,
      ephemeral: r.ephemeral,
      initialised: r.initialised,
      services: r.services,
      ...(r.serviceInfo.coordinator ? { coordinator: r.serviceInfo.coordinator } : {}),
      ...(r.serviceInfo.miner ? { miner: r.serviceInfo.miner } : {}),
      pid: process.pid,
      warnings,
    });
    if (!this.jsonEnabled()) {
      const o = this.out;
      o.info(o.bold(`aitbc devnet ${r.initialised ? 'initialised' : 'resumed'} — chain ${r.chainId}`));
      o.info(`  home       ${r.home}${r.ephemeral ? ' (ephemeral: removed on exit)' : ''}`);
      o.info(`  RPC        ${r.endpoints.rpc}`);
      o.info(`  WebSocket  ${r.endpoints.ws}`);
      o.info(`  metrics    ${r.endpoints.metrics}`);
      o.info(`  validator  ${r.validator}`);
      const c = r.serviceInfo.coordinator;
      const m = r.serviceInfo.miner;
      if (c) o.info(`  coordinator ${r.endpoints.coordinator} (${c.address})`);
      if (m) {
        o.info(`  miner      ${m.address}: ${m.backend} serving ${(m.models as string[]).join(', ')}`);
        o.info(`             ${m.backendReason}`);
      }
      if (r.faucet !== null)
        o.info(`  faucet     ${r.faucet.address} (try: aitbc wallet faucet --node ${r.endpoints.rpc})`);
      for (const w of warnings) o.warn(w);
      o.info('Press Ctrl-C to stop.');
    }
    const signal = await stopSignal;
    await devnet.stop();
    this.emit({ type: 'stopped', signal });
    if (!this.jsonEnabled()) this.out.info(`stopped (${signal})`);
  }
}
