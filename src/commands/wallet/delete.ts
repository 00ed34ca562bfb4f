import { AitbcCommand } from '../../cli/base-command.js';
import { Args, Flags } from '../../cli/oclif.js';

interface Result {
  name: string;
  address: string;
  file: string;
  deleted: true;
}

export default class WalletDelete extends AitbcCommand<typeof WalletDelete, Result> {
  static override summary = 'Delete a wallet file';
  static override description =
    'Destructive: without its mnemonic or an exported keystore the key is gone. Needs --yes (or a confirmation on a TTY).';
  static override examples = ['<%= config.bin %> wallet delete old --yes'];
  static override args = { name: Args.string({ description: 'wallet name', required: true }) };
  static override flags = { yes: Flags.boolean({ char: 'y', description: 'do not ask for confirmation' }) };

  async run(): Promise<Result> {
    const store = await this.wallets();
    const ks = store.read(this.args.name);
    await this.confirmOrFail(`Delete wallet "${this.args.name}" (${ks.address})? This cannot be undone.`);
    const file = store.remove(this.args.name);
    if (this.config_().profiles?.[this.profile]?.wallet === this.args.name) {
      const { unsetSetting } = await import('../../cli/config-store.js');
      await unsetSetting(this.home.configFile, this.profile, 'wallet');
    }
    return { name: this.args.name, address: ks.address, file, deleted: true };
  }

  protected override renderHuman(r: Result): void {
    this.out.line(`Deleted wallet ${r.name} (${r.address})`);
  }
}
