import { AitbcCommand } from '../../cli/base-command.js';
import { derivationFlags } from '../../cli/flags.js';
import { Args, Flags } from '../../cli/oclif.js';

interface Result {
  name: string;
  address: string;
  path?: string;
}

export default class WalletAddress extends AitbcCommand<typeof WalletAddress, Result> {
  static override summary = "Print a wallet's address";
  static override description =
    "Without --account/--index it reads the keystore header (no password). With them it unlocks the mnemonic and derives that account's address.";
  static override examples = [
    '<%= config.bin %> wallet address',
    '<%= config.bin %> wallet address alice --json',
    '<%= config.bin %> wallet address alice --index 3 --password-file pw.txt',
  ];
  static override args = { name: Args.string({ description: 'wallet name (default: the default wallet)' }) };
  static override flags = {
    ...derivationFlags,
    'password-file': Flags.string({
      description: 'password file, needed with --account/--index [env: AITBC_PASSWORD_FILE]',
    }),
  };

  async run(): Promise<Result> {
    const name = this.walletName(this.args.name);
    if (this.flags.account === undefined && this.flags.index === undefined) {
      const ks = (await this.wallets()).read(name);
      return { name, address: ks.address, ...(ks.path ? { path: ks.path } : {}) };
    }
    const unlocked = await this.unlockWallet({ name });
    const { deriveOther } = await import('../../cli/wallet-service.js');
    const other = deriveOther(unlocked.key, this.flags.account ?? 0, this.flags.index ?? 0);
    other.signingKey.fill(0);
    return { name, address: other.address, path: other.path };
  }

  protected override renderHuman(r: Result): void {
    this.out.line(r.address);
  }
}
