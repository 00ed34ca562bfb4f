import * as fs from 'node:fs';
import { AitbcCommand } from '../../cli/base-command.js';
import { derivationFlags, keystoreFlags } from '../../cli/flags.js';
import { Args, Flags } from '../../cli/oclif.js';
import type { WalletSummary } from '../../cli/wallet-service.js';
import { AitbcError } from '../../core/errors.js';

type Result = WalletSummary & { source: 'mnemonic' | 'key' | 'keystore'; default: boolean };

export default class WalletImport extends AitbcCommand<typeof WalletImport, Result> {
  static override summary = 'Import a wallet from a mnemonic, a raw ed25519 key or a keystore file';
  static override description =
    'The mnemonic comes from --mnemonic-file, or from standard input when it is piped (or a prompt on a TTY). --key-file takes a raw 32-byte ed25519 key as 64 hex characters (or JSON with a "key" field), for daemon keys. --keystore takes an exported keystore file; giving a different NAME re-encrypts it (its password is needed).';
  static override examples = [
    'echo "$MNEMONIC" | <%= config.bin %> wallet import alice --password-file pw.txt',
    '<%= config.bin %> wallet import validator --key-file validator.key',
    '<%= config.bin %> wallet import --keystore alice.json',
  ];
  static override args = {
    name: Args.string({ description: 'wallet name (default "default"; a keystore keeps its own)' }),
  };
  static override flags = {
    'mnemonic-file': Flags.string({
      description: 'file holding the mnemonic ("-" = stdin)',
      exclusive: ['key-file', 'keystore'],
    }),
    'key-file': Flags.string({
      description: 'file holding a raw ed25519 key (64 hex)',
      exclusive: ['keystore'],
    }),
    keystore: Flags.string({ description: 'keystore file to import' }),
    ...derivationFlags,
    ...keystoreFlags,
  };

  async run(): Promise<Result> {
    const store = await this.wallets();
    const service = await import('../../cli/wallet-service.js');
    const { newPassword, unlockPassword, readPasswordFile } = await import('../../cli/passwords.js');
    const src = { file: this.flags['password-file'], env: process.env, interactive: this.interactive };
    if (this.flags.keystore) {
      const file = this.flags.keystore;
      const { decryptKeystore } = await import('../../crypto/keystore.js');
      const imported = await service.importKeystore(store, readInput(file), file, {
        name: this.args.name,
        unlock: async (ks) => {
          const password = await unlockPassword(src, `Password of keystore ${file}`);
          return { key: await decryptKeystore(ks, password), password };
        },
      });
      return { ...imported, source: 'keystore', default: await this.adoptAsDefaultIfFirst(imported.name) };
    }
    const name = this.args.name ?? 'default';
    const { assertWalletName } = await import('../../cli/wallet-store.js');
    assertWalletName(name);
    if (store.exists(name)) {
      throw new AitbcError('WALLET_EXISTS', `a wallet named "${name}" already exists`, {
        name,
        file: store.fileOf(name),
      });
    }
    const common = {
      name,
      account: this.flags.account,
      index: this.flags.index,
      scryptN: this.flags['scrypt-n'],
    };
    if (this.flags['key-file']) {
      const key = service.parseRawKeyText(readInput(this.flags['key-file']), this.flags['key-file']);
      const password = await newPassword(src, `New password for wallet "${name}"`);
      const imported = await service.importRawKey(store, key, { ...common, password });
      return { ...imported, source: 'key', default: await this.adoptAsDefaultIfFirst(name) };
    }
    const mnemonic = await this.readMnemonic();
    const { mnemonicToEntropy } = await import('../../crypto/mnemonic.js');
    mnemonicToEntropy(mnemonic);
    const password = await newPassword(src, `New password for wallet "${name}"`);
    const passphrase = this.flags['passphrase-file']
      ? readPasswordFile(this.flags['passphrase-file'])
      : undefined;
    const imported = await service.importMnemonic(store, mnemonic, { ...common, password, passphrase });
    return { ...imported, source: 'mnemonic', default: await this.adoptAsDefaultIfFirst(name) };
  }

  private async readMnemonic(): Promise<string> {
    const file = this.flags['mnemonic-file'];
    if (file !== undefined) return readInput(file);
    if (!process.stdin.isTTY) {
      const piped = fs.readFileSync(0, 'utf8');
      if (piped.trim() !== '') return piped;
    } else if (this.interactive) {
      const { password } = await import('@inquirer/prompts');
      return password({ message: 'Mnemonic (words separated by spaces)', mask: '*' });
    }
    return this.missing('mnemonic', '--mnemonic-file FILE, pipe it on stdin, --key-file or --keystore');
  }

  protected override renderHuman(r: Result): void {
    if (this.out.quiet) return this.out.line(r.address);
    this.out.line(
      `Imported wallet ${this.out.bold(r.name)} from a ${r.source}${r.default ? ' (default)' : ''}`,
    );
    this.out.keyValues({ address: r.address, path: r.path, file: r.file });
  }
}

function readInput(file: string): string {
  try {
    return fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new AitbcError('INVALID_INPUT', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`, {
      file,
    });
  }
}
