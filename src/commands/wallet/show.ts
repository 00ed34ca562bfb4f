import { AitbcCommand } from '../../cli/base-command.js';
import { Args } from '../../cli/oclif.js';

interface Result {
  name: string;
  address: string;
  publicKey: string;
  path?: string;
  kind: 'mnemonic' | 'raw';
  default: boolean;
  file: string;
  createdAt: string;
  kdf: { name: string; N: number; r: number; p: number };
}

export default class WalletShow extends AitbcCommand<typeof WalletShow, Result> {
  static override summary = 'Show a wallet: address, public key, derivation path, file';
  static override description =
    'Needs no password: everything shown is stored in the clear in the keystore header.';
  static override examples = ['<%= config.bin %> wallet show', '<%= config.bin %> wallet show alice --json'];
  static override args = { name: Args.string({ description: 'wallet name (default: the default wallet)' }) };

  async run(): Promise<Result> {
    const name = this.walletName(this.args.name);
    const store = await this.wallets();
    const ks = store.read(name);
    return {
      name,
      address: ks.address,
      publicKey: ks.publicKey,
      ...(ks.path ? { path: ks.path } : {}),
      kind: ks.path ? 'mnemonic' : 'raw',
      default: this.setting('wallet').value === name,
      file: store.fileOf(name),
      createdAt: ks.createdAt,
      kdf: { name: ks.kdf.name, N: ks.kdf.N, r: ks.kdf.r, p: ks.kdf.p },
    };
  }

  protected override renderHuman(r: Result): void {
    if (this.out.quiet) return this.out.line(r.address);
    this.out.keyValues({ ...r, kdf: `${r.kdf.name} N=${r.kdf.N} r=${r.kdf.r} p=${r.kdf.p}` });
  }
}
