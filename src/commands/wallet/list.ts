import { AitbcCommand } from '../../cli/base-command.js';

interface Item {
  name: string;
  address?: string;
  path?: string;
  default: boolean;
  createdAt?: string;
  file: string;
  error?: string;
}
type Result = { items: Item[] };

export default class WalletList extends AitbcCommand<typeof WalletList, Result> {
  static override summary = 'List the wallets in this home';
  static override description =
    'Needs no password. A damaged keystore is listed with its error instead of an address.';
  static override examples = ['<%= config.bin %> wallet list', '<%= config.bin %> wallet list --json'];

  async run(): Promise<Result> {
    const current = this.setting('wallet').value;
    const items = (await this.wallets()).list().map((w) => ({
      name: w.name,
      address: w.keystore?.address,
      path: w.keystore?.path,
      default: w.name === current,
      createdAt: w.keystore?.createdAt,
      file: w.file,
      ...(w.error ? { error: w.error } : {}),
    }));
    return { items };
  }

  protected override async renderHuman(r: Result): Promise<void> {
    if (r.items.length === 0) return this.out.info('No wallets yet: aitbc wallet create NAME');
    if (this.out.quiet) {
      for (const w of r.items) this.out.line(w.name);
      return;
    }
    await this.out.table(
      r.items.map((w) => ({
        ...w,
        name: w.default ? `${w.name} *` : w.name,
        address: w.address ?? `(corrupt: ${w.error})`,
      })),
      [{ key: 'name' }, { key: 'address' }, { key: 'path' }],
    );
  }
}
