import { AitbcCommand } from '../../cli/base-command.js';
import { nodeFlags, walletFlags } from '../../cli/flags.js';
import { Args, Flags } from '../../cli/oclif.js';
import { type WithRfc3339, withRfc3339 } from '../../client/present.js';
import type { FaucetResult } from '../../client/rpc-types.js';
import { formatAitWithUnit, parseAmount } from '../../core/amount.js';

type Result = WithRfc3339<FaucetResult, 'time'>;

export default class WalletFaucet extends AitbcCommand<typeof WalletFaucet, Result> {
  static override summary = 'Get AIT from a devnet faucet';
  static override description =
    "Asks the node's faucet (devnets only: `aitbc node up` has one) to pay the wallet, and waits until the payment is committed. The amount defaults to the faucet's per-request maximum; requests are rate-limited per address. Chains without a faucet refuse with NO_FAUCET (exit 6).";
  static override examples = [
    '<%= config.bin %> wallet faucet',
    '<%= config.bin %> wallet faucet alice --amount 25',
    '<%= config.bin %> wallet faucet ait1qy… --json',
  ];
  static override args = {
    target: Args.string({ description: 'wallet name or ait1… address (default: the default wallet)' }),
  };
  static override flags = {
    ...nodeFlags,
    wallet: walletFlags.wallet,
    amount: Flags.string({
      description: "amount, e.g. 10 or 10AIT (default: the faucet's maximum per request)",
    }),
  };

  async run(): Promise<Result> {
    const amount = this.flags.amount === undefined ? undefined : parseAmount(this.flags.amount);
    if (amount !== undefined) {
      const { assertPositiveAmount } = await import('../../client/transfer.js');
      assertPositiveAmount(amount, this.flags.amount as string);
    }
    const address = await this.resolveAddress(this.args.target);
    const rpc = await this.openNode();
    this.out.info(
      `Asking the faucet for ${amount === undefined ? 'its maximum' : formatAitWithUnit(amount)}…`,
    );
    return withRfc3339(await rpc.faucet(address, amount, 'committed'), ['time']);
  }

  protected override renderHuman(r: Result): void {
    if (this.out.quiet) return this.out.line(r.hash);
    this.out.line(
      `Received ${formatAitWithUnit(BigInt(r.amount))} from the faucet — committed in block ${r.height}`,
    );
    this.out.keyValues({ address: r.address, faucet: r.from, tx: r.hash });
  }
}
