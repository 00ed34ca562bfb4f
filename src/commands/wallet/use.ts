import { AitbcCommand } from '../../cli/base-command.js';
import { Args } from '../../cli/oclif.js';

interface Result {
  wallet: string;
  address: string;
  profile: string;
}

export default class WalletUse extends AitbcCommand<typeof WalletUse, Result> {
  static override summary = 'Make a wallet the default for this profile';
  static override examples = [
    '<%= config.bin %> wallet use alice',
    '<%= config.bin %> wallet use bob --profile staging',
  ];
  static override args = { name: Args.string({ description: 'wallet name', required: true }) };

  async run(): Promise<Result> {
    const ks = (await this.wallets()).read(this.args.name);
    const { setSetting } = await import('../../cli/config-store.js');
    await setSetting(this.home.configFile, this.profile, 'wallet', this.args.name);
    return { wallet: this.args.name, address: ks.address, profile: this.profile };
  }

  protected override renderHuman(r: Result): void {
    this.out.line(`Default wallet for profile "${r.profile}" is now ${r.wallet} (${r.address})`);
  }
}
