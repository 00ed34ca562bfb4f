/**
 * AitbcCommand: the one base class every command extends (DESIGN §4). It owns `--json` (exactly one
 * JSON document on stdout), the global flags, settings precedence, the non-interactive rules, human
 * rendering and the error renderer with its exit codes. A command only declares flags, calls a library
 * and returns its result object; `renderHuman` turns the same object into text.
 */

import { coordinatorSettingsFrom, openCoordinator } from '../client/coordinator-open.js';
import { type NodeSettings, nodeSettingsFrom, openNodeRpc } from '../client/open-node.js';
import { AitbcError } from '../core/errors.js';
import type { Signer } from '../crypto/ed25519.js';
import type { Keystore, UnlockedKey } from '../crypto/keystore.js';
import { type ExitCode, errorJson, errorText, exitCodeOf, toAitbcError } from './errors.js';
import { type Home, openHome, resolveHomePath } from './home.js';
import { Command, Flags, type Interfaces } from './oclif.js';
import { createOutput, type Output, toJsonText } from './output.js';
import {
  assertProfileName,
  type ConfigFile,
  DEFAULT_PROFILE,
  type ResolvedSetting,
  readConfigFile,
  resolveSetting,
  type SettingKey,
} from './settings.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof AitbcCommand)['baseFlags'] & T['flags']
>;
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>;

export interface UnlockedWallet {
  name: string;
  address: string;
  publicKey: Uint8Array;
  signer: Signer;
  keystore: Keystore;
  key: UnlockedKey;
  /** The password that unlocked it (to re-encrypt on rename). */
  password: string;
}

export abstract class AitbcCommand<T extends typeof Command, R = unknown> extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    home: Flags.string({
      description:
        'home directory holding wallets, config and daemon data [env: AITBC_HOME] (default ~/.aitbc)',
      helpGroup: 'GLOBAL',
    }),
    profile: Flags.string({
      description: 'config profile [env: AITBC_PROFILE] (default "default")',
      helpGroup: 'GLOBAL',
    }),
    color: Flags.boolean({
      description: 'colour in human output (--no-color, or NO_COLOR, turns it off)',
      allowNo: true,
      default: true,
      helpGroup: 'GLOBAL',
    }),
    quiet: Flags.boolean({ char: 'q', description: 'print only the result', helpGroup: 'GLOBAL' }),
  };

  protected flags!: BaseFlags<T>;
  protected args!: BaseArgs<T>;
  protected home!: Home;
  protected profile!: string;
  protected out!: Output;
  /** True when the command may prompt: a TTY on stdin and stdout, no `--json`, no CI. */
  protected interactive = false;
  private configCache?: ConfigFile;

  override async init(): Promise<void> {
    await super.init();
    const ctor = this.ctor as typeof AitbcCommand;
    const { flags, args } = await this.parse({
      flags: ctor.flags,
      baseFlags: ctor.baseFlags,
      enableJsonFlag: ctor.enableJsonFlag,
      args: ctor.args,
      strict: ctor.strict,
    });
    this.flags = flags as BaseFlags<T>;
    this.args = args as BaseArgs<T>;
    const env = process.env;
    this.home = openHome(resolveHomePath(this.flags.home, env));
    this.profile = this.flags.profile ?? (env.AITBC_PROFILE || DEFAULT_PROFILE);
    assertProfileName(this.profile);
    const json = this.jsonEnabled();
    this.interactive = !json && !env.CI && Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY);
    this.out = createOutput({
      json,
      quiet: this.flags.quiet,
      color: this.flags.color && env.NO_COLOR === undefined && Boolean(process.stderr.isTTY),
    });
  }

  /** The config file, read once per command. */
  protected config_(): ConfigFile {
    this.configCache ??= readConfigFile(this.home.configFile);
    return this.configCache;
  }

  /** A setting resolved by precedence flag > env > profile > default. */
  protected setting(key: SettingKey, flagValue?: string): ResolvedSetting {
    return resolveSetting(key, {
      flags: { [key]: flagValue },
      env: process.env,
      config: this.config_(),
      profile: this.profile,
    });
  }

  /**
   * The node settings (`--node`, `--chain`, `--timeout`) by the same precedence; `flags` overrides what
   * this command's flags say (e.g. the chain a signed transaction names).
   */
  protected nodeSettings(flags: { node?: string; chain?: string; timeout?: string } = {}): NodeSettings {
    const own = this.flags as { node?: string; chain?: string; timeout?: string };
    return nodeSettingsFrom((k, f) => this.setting(k, f), { ...own, ...flags });
  }

  /** A JSON-RPC client for the node this command's settings name. */
  protected openNode(): Promise<import('../client/node-rpc.js').NodeRpc> {
    return openNodeRpc(this.nodeSettings());
  }

  /** A client of the coordinator this command's settings name, signing with `signer` when given. */
  protected openCoordinator(signer?: Signer): Promise<import('../client/coordinator.js').CoordinatorClient> {
    const own = this.flags as { coordinator?: string; 'api-key'?: string; timeout?: string };
    return openCoordinator(
      coordinatorSettingsFrom((k, f) => this.setting(k, f), own),
      signer,
    );
  }

  /** Fails with MISSING_INPUT naming where the value could have come from. */
  protected missing(what: string, sources: string): never {
    throw new AitbcError('MISSING_INPUT', `missing ${what}: give ${sources}`, { missing: what });
  }

  /**
   * The wallet to use: the given name, else `--wallet` / AITBC_WALLET / the profile's default.
   * @throws AitbcError MISSING_INPUT when none is set anywhere.
   */
  protected walletName(name?: string): string {
    const chosen = name ?? this.setting('wallet', (this.flags as { wallet?: string }).wallet).value;
    if (chosen === undefined) {
      throw new AitbcError(
        'MISSING_INPUT',
        'no wallet chosen: give a wallet name, --wallet or AITBC_WALLET',
        {
          missing: 'wallet',
        },
        { hint: 'aitbc wallet use NAME sets the default' },
      );
    }
    return chosen;
  }

  /**
   * Destructive actions need `--yes`, or a confirmation on a TTY.
   * @throws AitbcError MISSING_INPUT (non-interactive without --yes) or INTERRUPTED (declined).
   */
  protected async confirmOrFail(question: string): Promise<void> {
    if ((this.flags as { yes?: boolean }).yes) return;
    if (!this.interactive) this.missing('confirmation', '--yes (this action is destructive)');
    const { confirm } = await import('@inquirer/prompts');
    if (!(await confirm({ message: question, default: false })))
      throw new AitbcError('INTERRUPTED', 'declined; nothing changed');
  }

  /** Makes `name` the profile's default wallet when the profile has none; returns whether it did. */
  protected async adoptAsDefaultIfFirst(name: string): Promise<boolean> {
    if (this.config_().profiles?.[this.profile]?.wallet !== undefined) return false;
    const { setSetting } = await import('./config-store.js');
    await setSetting(this.home.configFile, this.profile, 'wallet', name);
    this.configCache = undefined;
    return true;
  }

  /** The wallet store of this home. */
  protected async wallets(): Promise<import('./wallet-store.js').WalletStore> {
    const { WalletStore } = await import('./wallet-store.js');
    return new WalletStore(this.home);
  }

  /**
   * Unlocks a wallet with the password from --password-file, AITBC_PASSWORD, AITBC_PASSWORD_FILE or a
   * TTY prompt. Returns its address, public key and a signer.
   * @throws AitbcError WALLET_NOT_FOUND, WRONG_PASSWORD, KEYSTORE_CORRUPT (naming the file), MISSING_INPUT.
   */
  protected async unlockWallet(opts: { name?: string; passwordFile?: string } = {}): Promise<UnlockedWallet> {
    const name = this.walletName(opts.name);
    const store = await this.wallets();
    const keystore = store.read(name);
    const { unlockPassword } = await import('./passwords.js');
    const password = await unlockPassword(
      {
        file: opts.passwordFile ?? (this.flags as { 'password-file'?: string })['password-file'],
        env: process.env,
        interactive: this.interactive,
      },
      `Password for wallet "${name}"`,
    );
    const { decryptKeystore } = await import('../crypto/keystore.js');
    const { signerFromSecret } = await import('../crypto/ed25519.js');
    try {
      const key = await decryptKeystore(keystore, password);
      return {
        name,
        address: key.address,
        publicKey: key.publicKey,
        signer: signerFromSecret(key.signingKey),
        keystore,
        key,
        password,
      };
    } catch (e) {
      if (e instanceof AitbcError && e.code === 'KEYSTORE_CORRUPT') {
        const file = store.fileOf(name);
        throw new AitbcError(
          'KEYSTORE_CORRUPT',
          `keystore ${file} is corrupt: ${e.message.replace(/^keystore is corrupt: /, '')}`,
          {
            file,
          },
        );
      }
      if (e instanceof AitbcError && e.code === 'WRONG_PASSWORD') {
        throw new AitbcError('WRONG_PASSWORD', `wrong password for wallet "${name}"`, { wallet: name });
      }
      throw e;
    }
  }

  /**
   * An address from what the user typed: an `ait1…` address as is (lowercased, validated), else the
   * named wallet's address (no password needed); nothing → the default wallet's address.
   */
  protected async resolveAddress(nameOrAddress?: string): Promise<string> {
    if (nameOrAddress?.toLowerCase().startsWith('ait1')) {
      const { parseAddress } = await import('../crypto/address.js');
      return parseAddress(nameOrAddress);
    }
    return (await this.wallets()).read(this.walletName(nameOrAddress)).address;
  }

  /** Renders the result for people. The default prints the object as aligned key/value lines. */
  protected renderHuman(result: R): void | Promise<void> {
    if (result !== undefined) this.out.keyValues(result as Record<string, unknown>);
  }

  abstract override run(): Promise<R>;

  override async _run<U>(): Promise<U> {
    let result: R | undefined;
    try {
      await this.init();
      result = await this.run();
      if (this.jsonEnabled()) this.out.json(result ?? {});
      else await this.renderHuman(result as R);
    } catch (err) {
      await this.catch(err as Error);
    } finally {
      await this.finally(undefined);
    }
    return result as U;
  }

  override async catch(err: Error & { exitCode?: number }): Promise<never> {
    const e = toAitbcError(err);
    const code: ExitCode = exitCodeOf(e);
    if (this.jsonEnabled()) {
      // toJsonText: details may carry bigint amounts, which JSON.stringify refuses.
      process.stdout.write(`${toJsonText(errorJson(e))}\n`);
    } else {
      const color =
        process.env.NO_COLOR === undefined &&
        Boolean(process.stderr.isTTY) &&
        !process.argv.includes('--no-color');
      process.stderr.write(`${errorText(e, { debug: Boolean(process.env.DEBUG), color })}\n`);
    }
    process.exit(code);
  }
}
