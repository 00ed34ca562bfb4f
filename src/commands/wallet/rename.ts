import { AitbcCommand } from '../../cli/base-command.js';
import { Args, Flags } from '../../cli/oclif.js';

interface Result {
  from: string;
  to: string;
  address: string;
  file: string;
}

export default class WalletRename extends AitbcCommand<typeof WalletRename, Result> {
  static override summary = 'Rename a wallet';
  static override description =
    'The name is authenticated inside the keystore, so renaming re-encrypts it: the password is needed. The old file is removed only after the new one is written.';
  static override examples = ['<%= config.bin %> wallet rename alice alice-old --password-file pw.txt'];
  static override args = {
    old: Args.string({ description: 'current name', required: true }),
    new: Args.string({ description: 'new name', required: true }),
  };
  static override flags = {
    'password-file': Flags.string({ description: 'the wallet password [env: AITBC_PASSWORD_FILE]' }),
  };

  async run(): Promise<Result> {
    const { assertWalletName } = await import('../../cli/wallet-store.js');
    assertWalletName(this.args.new);
    const store = await this.wallets();
    const unlocked = await this.unlockWallet({ name: this.args.old });
    const { reencrypt } = await import('../../cli/wallet-service.js');
    const renamed = await reencrypt(store, unlocked.keystore, unlocked.key, {
      name: this.args.new,
      currentPassword: unlocked.password,
      create: true,
    });
    store.remove(this.args.old);
    if (this.config_().profiles?.[this.profile]?.wallet === this.args.old) {
      const { setSetting } = await import('../../cli/config-store.js');
      await setSetting(this.home.configFile, this.profile, 'wallet', this.args.new);
    }
    return { from: this.args.old, to: this.args.new, address: renamed.address, file: renamed.file };
  }

  protected override renderHuman(r: Result): void {
    this.out.line(`Renamed wallet ${r.from} to ${r.to} (${r.address})`);
  }
}
