import * as fs from 'node:fs';
import { AitbcCommand } from '../../cli/base-command.js';
import { Flags } from '../../cli/oclif.js';
import type { InitResult } from '../../node/init.js';

type Result = Omit<InitResult, 'genesis'> & { home: string; warnings: string[] };

export default class NodeInit extends AitbcCommand<typeof NodeInit, Result> {
  static override summary = 'Create the validator key and a chain’s genesis in the home';
  static override description =
    'Writes <home>/node/validator.json (once; later inits reuse it) and <home>/node/chains/<chain-id>/genesis.json. The validator key and the faucet key are keystores encrypted with the password from --password-file, AITBC_PASSWORD or AITBC_PASSWORD_FILE, unless --unencrypted (devnets only: written 0600 in plain text). By default the genesis names this node’s key as the only validator. The first chain initialised is the node’s default chain. Consensus parameters live in the genesis: changing them later means a new chain.';
  static override examples = [
    'AITBC_PASSWORD_FILE=pw.txt <%= config.bin %> node init --chain-id mychain --alloc ait1…=1000 --faucet 1000000',
    '<%= config.bin %> node init --chain-id testnet --unencrypted --faucet 1000000 --block-time 500ms --json',
  ];
  static override flags = {
    'chain-id': Flags.string({
      description: 'id of the new chain (1–64 of a-z, 0-9, ".", "_", "-")',
      required: true,
    }),
    validator: Flags.string({
      description:
        'a genesis validator as PUBKEY[:POWER] (64 hex; repeatable; default: this node’s key, power 1)',
      multiple: true,
    }),
    alloc: Flags.string({
      description: 'an allocation as ADDRESS=AMOUNT (AMOUNT like 1.5, 1.5AIT or 1500000uait; repeatable)',
      multiple: true,
    }),
    faucet: Flags.string({ description: 'allocate AMOUNT to a faucet account whose key stays in the home' }),
    'faucet-max': Flags.string({
      description: 'most the faucet pays per request (default: the smaller of AMOUNT/10 and 1000 AIT)',
    }),
    'block-time': Flags.string({
      description: 'block time: milliseconds (500, 500ms) or seconds (1s) (default 1s)',
    }),
    unencrypted: Flags.boolean({ description: 'write the keys unencrypted (0600): devnets only' }),
    'password-file': Flags.string({
      description: 'file whose first line is the keystore password [env: AITBC_PASSWORD_FILE]',
    }),
    'scrypt-n': Flags.integer({
      description: 'scrypt cost N for new keystores (default 131072; lower only for tests)',
      min: 2 ** 14,
      max: 2 ** 20,
    }),
  };

  async run(): Promise<Result> {
    const f = this.flags;
    const { parseAmount } = await import('../../core/amount.js');
    const { AitbcError } = await import('../../core/errors.js');
    const { parseAddress } = await import('../../crypto/address.js');
    const { DEFAULT_PARAMS } = await import('../../protocol/genesis.js');
    const { initNode, paramsForBlockTime, parseBlockTime } = await import('../../node/init.js');
    const { nodeLayout, assertChainId } = await import('../../node/layout.js');
    const { isUnencryptedKeyFile } = await import('../../node/keys.js');
    assertChainId(f['chain-id']);
    const allocations = (f.alloc ?? []).map((spec) => {
      const eq = spec.indexOf('=');
      if (eq < 0)
        throw new AitbcError('INVALID_INPUT', `--alloc "${spec}" must be ADDRESS=AMOUNT`, { alloc: spec });
      return {
        address: parseAddress(spec.slice(0, eq), 'allocation address'),
        amount: parseAmount(spec.slice(eq + 1)),
      };
    });
    const validators = f.validator?.map((spec) => {
      const m = /^([0-9a-f]{64})(?::([1-9][0-9]{0,14}))?$/.exec(spec.trim());
      if (m === null)
        throw new AitbcError(
          'INVALID_INPUT',
          `--validator "${spec}" must be PUBKEY[:POWER] with a 64-lowercase-hex key`,
          {
            validator: spec,
          },
        );
      return { pubkey: m[1], power: m[2] === undefined ? 1 : Number(m[2]) };
    });
    let faucet: { amount: bigint; maxPerRequest: bigint } | undefined;
    if (f.faucet !== undefined) {
      const amount = parseAmount(f.faucet);
      faucet = {
        amount,
        maxPerRequest:
          f['faucet-max'] === undefined ? defaultFaucetMax(amount) : parseAmount(f['faucet-max']),
      };
    } else if (f['faucet-max'] !== undefined) {
      throw new AitbcError('USAGE', '--faucet-max needs --faucet AMOUNT', {});
    }
    const params =
      f['block-time'] === undefined
        ? {}
        : paramsForBlockTime(parseBlockTime(f['block-time']), DEFAULT_PARAMS.heartbeatMs);
    let password: string | undefined;
    if (!f.unencrypted) {
      const layout = nodeLayout(this.home.root);
      const passwords = await import('../../cli/passwords.js');
      const sources = { file: f['password-file'], env: process.env, interactive: this.interactive };
      const existing = fs.existsSync(layout.validatorKey) && !isUnencryptedKeyFile(layout.validatorKey);
      password = existing
        ? await passwords.unlockPassword(sources, 'Password of the validator key')
        : await passwords.newPassword(sources, 'New password for the validator key');
    }
    const result = await initNode({
      home: this.home.root,
      chainId: f['chain-id'],
      ...(validators === undefined ? {} : { validators }),
      allocations,
      ...(faucet === undefined ? {} : { faucet }),
      params,
      ...(password === undefined ? {} : { password }),
      ...(f['scrypt-n'] === undefined ? {} : { scryptN: f['scrypt-n'] }),
      time: Date.now(),
    });
    const warnings: string[] = [];
    if (!result.validator.encrypted || (result.faucet !== undefined && f.unencrypted))
      warnings.push('keys were written UNENCRYPTED (0600): use this home for a devnet only');
    if (validators !== undefined && !validators.some((v) => v.pubkey === result.validator.pubkey))
      warnings.push('this node’s key is not a validator of the new chain: it cannot produce its blocks');
    if (validators !== undefined && validators.length > 1)
      warnings.push('a chain with several validators needs P2P, which this version does not have yet');
    const { genesis: _genesis, ...rest } = result;
    return { ...rest, home: this.home.root, warnings };
  }

  protected override renderHuman(r: Result): void {
    if (this.out.quiet) return this.out.line(r.chainId);
    this.out.line(
      `Initialised chain ${this.out.bold(r.chainId)}${r.isDefault ? ' (the node’s default chain)' : ''}`,
    );
    this.out.keyValues({
      genesisHash: r.genesisHash,
      genesis: r.genesisFile,
      validator: `${r.validator.address} (${r.validator.created ? 'new' : 'existing'} key, ${r.validator.encrypted ? 'encrypted' : 'UNENCRYPTED'}, ${r.validator.file})`,
      faucet: r.faucet === undefined ? undefined : `${r.faucet.address} (${r.faucet.file})`,
    });
    for (const w of r.warnings) this.out.warn(w);
    this.out.line(`Start it with: aitbc node start --home ${r.home}`);
  }
}

/** A tenth of the faucet, at most 1,000 AIT and at least 1 uait: it can serve several requests with fees. */
function defaultFaucetMax(amount: bigint): bigint {
  const tenth = amount / 10n;
  const cap = 1000n * 1_000_000n;
  return tenth > cap ? cap : tenth > 0n ? tenth : 1n;
}
