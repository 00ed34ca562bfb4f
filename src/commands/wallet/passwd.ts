import { AitbcCommand } from '../../cli/base-command.js';
import { Args, Flags } from '../../cli/oclif.js';

interface Result {
  name: string;
  address: string;
  file: string;
  changed: true;
}

export default class WalletPasswd extends AitbcCommand<typeof WalletPasswd, Result> {
  static override summary = "Change a wallet's password";
  static override description =
    'The current password comes from --password-file / AITBC_PASSWORD / AITBC_PASSWORD_FILE or a prompt; the new one from --new-password-file / AITBC_NEW_PASSWORD / AITBC_NEW_PASSWORD_FILE or a prompt (asked twice). The file is replaced atomically.';
  static override examples = [
    '<%= config.bin %> wallet passwd alice --password-file old.txt --new-password-file new.txt',
  ];
  static override args = { name: Args.string({ description: 'wallet name (default: the default wallet)' }) };
  static override flags = {
    'password-file': Flags.string({ description: 'the current password [env: AITBC_PASSWORD_FILE]' }),
    'new-password-file': Flags.string({ description: 'the new password [env: AITBC_NEW_PASSWORD_FILE]' }),
    'scrypt-n': Flags.integer({
      description: 'scrypt cost N for the new encryption (default: keep)',
      min: 2 ** 14,
      max: 2 ** 20,
    }),
  };

  async run(): Promise<Result> {
    const unlocked = await this.unlockWallet({ name: this.args.name });
    const { newPassword } = await import('../../cli/passwords.js');
    const password = await newPassword(
      {
        file: this.flags['new-password-file'],
        fileFlag: '--new-password-file',
        envName: 'AITBC_NEW_PASSWORD',
        envFileName: 'AITBC_NEW_PASSWORD_FILE',
        env: process.env,
        interactive: this.interactive,
      },
      `New password for wallet "${unlocked.name}"`,
    );
    const { reencrypt } = await import('../../cli/wallet-service.js');
    const ks = this.flags['scrypt-n']
      ? { ...unlocked.keystore, kdf: { ...unlocked.keystore.kdf, N: this.flags['scrypt-n'] } }
      : unlocked.keystore;
    const saved = await reencrypt(await this.wallets(), ks, unlocked.key, { password, create: false });
    return { name: unlocked.name, address: saved.address, file: saved.file, changed: true };
  }

  protected override renderHuman(r: Result): void {
    this.out.line(`Changed the password of wallet ${r.name}`);
  }
}
