import { AitbcCommand } from '../../cli/base-command.js';
import { Args, Flags } from '../../cli/oclif.js';
import type { Keystore } from '../../crypto/keystore.js';

type Result =
  | { name: string; address: string; keystore: Keystore; file?: string }
  | { name: string; address: string; mnemonic: string; passphrase?: string; path?: string };

export default class WalletExport extends AitbcCommand<typeof WalletExport, Result> {
  static override summary = 'Export a wallet: its encrypted keystore, or (with --mnemonic) its mnemonic';
  static override description =
    'By default prints the encrypted keystore (or writes it to --out, mode 0600); `wallet import --keystore` reads it back. --mnemonic reveals the mnemonic: it needs the password and --yes (or a confirmation on a TTY).';
  static override examples = [
    '<%= config.bin %> wallet export alice --out alice.keystore.json',
    '<%= config.bin %> wallet export alice --mnemonic --yes --password-file pw.txt',
  ];
  static override args = { name: Args.string({ description: 'wallet name (default: the default wallet)' }) };
  static override flags = {
    out: Flags.string({ description: 'write the keystore to this file instead of stdout' }),
    mnemonic: Flags.boolean({
      description: 'reveal the mnemonic instead (needs --yes or a TTY confirmation)',
    }),
    yes: Flags.boolean({ char: 'y', description: 'do not ask for confirmation' }),
    'password-file': Flags.string({
      description: 'password file, needed with --mnemonic [env: AITBC_PASSWORD_FILE]',
    }),
  };

  async run(): Promise<Result> {
    const name = this.walletName(this.args.name);
    if (this.flags.mnemonic) {
      await this.confirmOrFail(`Print the mnemonic of "${name}"? Anyone who sees it controls the wallet.`);
      const unlocked = await this.unlockWallet({ name });
      const { revealMnemonic } = await import('../../cli/wallet-service.js');
      return {
        name,
        address: unlocked.address,
        ...revealMnemonic(unlocked.key),
        path: unlocked.keystore.path,
      };
    }
    const ks = (await this.wallets()).read(name);
    if (this.flags.out) {
      const { writeFileAtomic } = await import('../../cli/secure-fs.js');
      writeFileAtomic(this.flags.out, `${JSON.stringify(ks, null, 2)}\n`);
      return { name, address: ks.address, keystore: ks, file: this.flags.out };
    }
    return { name, address: ks.address, keystore: ks };
  }

  protected override renderHuman(r: Result): void {
    if ('mnemonic' in r) {
      this.out.line(r.mnemonic);
      if (r.passphrase) this.out.warn('this wallet also has a BIP-39 passphrase (see --json)');
      return;
    }
    if (r.file) return this.out.line(`Wrote the keystore of ${r.name} to ${r.file}`);
    this.out.line(JSON.stringify(r.keystore, null, 2));
  }
}
