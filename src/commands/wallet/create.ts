import { AitbcCommand } from '../../cli/base-command.js';
import { derivationFlags, keystoreFlags } from '../../cli/flags.js';
import { Args, Flags } from '../../cli/oclif.js';
import type { WalletSummary } from '../../cli/wallet-service.js';

type Result = WalletSummary & { mnemonic: string; default: boolean };

export default class WalletCreate extends AitbcCommand<typeof WalletCreate, Result> {
  static override summary = 'Create a wallet from a new BIP-39 mnemonic';
  static override description =
    "Generates a 24-word (or 12-word) mnemonic, derives the ed25519 key at m/44'/7337'/{account}'/0'/{index}' and stores it in an encrypted keystore (scrypt + AES-256-GCM). The mnemonic is shown once and never stored in plaintext: write it down. The first wallet becomes the default.";
  static override examples = [
    '<%= config.bin %> wallet create alice',
    'AITBC_PASSWORD_FILE=pw.txt <%= config.bin %> wallet create bob --words 12 --json',
  ];
  static override args = { name: Args.string({ description: 'wallet name (default "default")' }) };
  static override flags = {
    words: Flags.integer({ description: 'mnemonic length', options: ['12', '24'], default: 24 }),
    ...derivationFlags,
    ...keystoreFlags,
  };

  async run(): Promise<Result> {
    const name = this.args.name ?? 'default';
    const { assertWalletName } = await import('../../cli/wallet-store.js');
    assertWalletName(name);
    const store = await this.wallets();
    const { newPassword, readPasswordFile } = await import('../../cli/passwords.js');
    const password = await newPassword(
      { file: this.flags['password-file'], env: process.env, interactive: this.interactive },
      `New password for wallet "${name}"`,
    );
    const { createWallet } = await import('../../cli/wallet-service.js');
    const created = await createWallet(store, {
      name,
      password,
      words: this.flags.words as 12 | 24,
      passphrase: this.flags['passphrase-file'] ? readPasswordFile(this.flags['passphrase-file']) : undefined,
      account: this.flags.account,
      index: this.flags.index,
      scryptN: this.flags['scrypt-n'],
    });
    const madeDefault = await this.adoptAsDefaultIfFirst(name);
    return { ...created, default: madeDefault };
  }

  protected override renderHuman(r: Result): void {
    if (this.out.quiet) return this.out.line(r.address);
    this.out.line(`Created wallet ${this.out.bold(r.name)}${r.default ? ' (default)' : ''}`);
    this.out.keyValues({ address: r.address, path: r.path, file: r.file });
    this.out.line();
    this.out.line(
      this.out.yellow('Mnemonic — shown once, never stored in plaintext. Write it down and keep it offline:'),
    );
    this.out.line(r.mnemonic);
  }
}
