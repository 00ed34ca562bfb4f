import * as path from 'node:path';
import { AitbcCommand } from '../../cli/base-command.js';
import { coordinatorFlags, nodeFlags, walletFlags } from '../../cli/flags.js';
import { Flags } from '../../cli/oclif.js';
import type { MinerEarnings } from '../../client/coordinator-earnings.js';

export default class MinerEarnings_ extends AitbcCommand<typeof MinerEarnings_, MinerEarnings> {
  static override summary = 'Sum a miner’s receipts and what the chain paid it';
  static override description =
    'Reads every receipt where the miner’s key is the miner or the payee (signed with that key), sums tokens and prices by model, and — when the node answers — checks each receipt’s escrow on chain: `settled` counts only releases recorded with that receipt. The key is --key-file (default <home>/miner/key.json when present) or --wallet.';
  static override examples = [
    '<%= config.bin %> miner earnings',
    '<%= config.bin %> miner earnings --wallet gpu1 --json',
  ];
  static override flags = {
    'key-file': Flags.string({
      description: 'miner key file (default <home>/miner/key.json)',
      exclusive: ['wallet'],
    }),
    'max-receipts': Flags.integer({ description: 'most receipts to read', default: 1000, min: 1 }),
    ...walletFlags,
    ...nodeFlags,
    ...coordinatorFlags,
  };

  async run(): Promise<MinerEarnings> {
    const f = this.flags;
    const signer = await this.minerSigner();
    const coord = await this.openCoordinator(signer);
    const info = await coord.info();
    const { openNodeRpc } = await import('../../client/open-node.js');
    const rpc = await openNodeRpc({
      ...this.nodeSettings(),
      chain: info.chainId,
    });
    const { minerEarnings } = await import('../../client/coordinator-earnings.js');
    const { addressFromPublicKey } = await import('../../crypto/address.js');
    try {
      return await minerEarnings(coord, rpc, addressFromPublicKey(signer.publicKey), f['max-receipts']);
    } finally {
      await coord.close();
      await rpc.close();
    }
  }

  private async minerSigner(): Promise<import('../../crypto/ed25519.js').Signer> {
    const f = this.flags;
    const fs = await import('node:fs');
    const file = f['key-file'] ?? path.join(this.home.root, 'miner', 'key.json');
    if (f.wallet !== undefined || (f['key-file'] === undefined && !fs.existsSync(file)))
      return (await this.unlockWallet()).signer;
    const { loadKeyFile } = await import('../../node/keys.js');
    const { unlockPassword } = await import('../../cli/passwords.js');
    return (
      await loadKeyFile(file, (k) =>
        unlockPassword(
          { file: f['password-file'], env: process.env, interactive: this.interactive },
          `Password for ${k}`,
        ),
      )
    ).signer;
  }

  protected override async renderHuman(e: MinerEarnings): Promise<void> {
    this.out.keyValues({
      miner: e.miner,
      receipts: e.receipts,
      earned: `${e.earned} uait`,
      settled: e.settled === null ? 'node not asked' : `${e.settled} uait on chain`,
      balance: e.balance === null ? undefined : `${e.balance} uait`,
    });
    if (e.byModel.length > 0)
      await this.out.table(e.byModel, [
        { key: 'model' },
        { key: 'jobs' },
        { key: 'tokensIn', header: 'tokens in' },
        { key: 'tokensOut', header: 'tokens out' },
        { key: 'earned', header: 'earned (uait)' },
      ]);
  }
}
