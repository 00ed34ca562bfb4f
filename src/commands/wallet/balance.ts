import { AitbcCommand } from '../../cli/base-command.js';
import { nodeFlags, walletFlags } from '../../cli/flags.js';
import { Args } from '../../cli/oclif.js';
import { formatAitWithUnit } from '../../core/amount.js';

interface Result {
  address: string;
  balance: string;
  nonce: number;
  pendingNonce: number;
  chainId?: string;
}

export default class WalletBalance extends AitbcCommand<typeof WalletBalance, Result> {
  static override summary = "Show a wallet's or an address's balance";
  static override description =
    'Reads the committed balance and nonce from the node. Takes a wallet name or an ait1… address (default: the default wallet); no password is needed. JSON shows the balance in uait, human output in AIT.';
  static override examples = [
    '<%= config.bin %> wallet balance',
    '<%= config.bin %> wallet balance alice --json',
    '<%= config.bin %> wallet balance ait1qy… --node http://127.0.0.1:26657',
  ];
  static override args = {
    target: Args.string({ description: 'wallet name or ait1… address (default: the default wallet)' }),
  };
  static override flags = { ...nodeFlags, wallet: walletFlags.wallet };

  async run(): Promise<Result> {
    const address = await this.resolveAddress(this.args.target);
    const rpc = await this.openNode();
    const account = await rpc.getAccount(address);
    return {
      address,
      balance: account.balance,
      nonce: account.nonce,
      pendingNonce: account.pendingNonce,
      ...(rpc.chainId ? { chainId: rpc.chainId } : {}),
    };
  }

  protected override renderHuman(r: Result): void {
    const balance = formatAitWithUnit(BigInt(r.balance));
    if (this.out.quiet) return this.out.line(balance);
    this.out.keyValues({ address: r.address, balance, nonce: r.nonce, chain: r.chainId });
  }
}
