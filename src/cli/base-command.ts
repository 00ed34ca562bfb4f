/**
 * AitbcCommand: the one base class every command extends (DESIGN §4). It owns `--json` (exactly one
 * JSON document on stdout), the global flags, settings precedence, the non-interactive rules, human
 * rendering and the error renderer with its exit codes. A command only declares flags, calls a library
 * and returns its result object; `renderHuman` turns the same object into text.
 */
import { Command, Flags, type Interfaces } from '@oclif/core';
import { AitbcError } from '../core/errors.js';
import { type ExitCode, errorJson, errorText, exitCodeOf, toAitbcError } from './errors.js';
import { type Home, openHome, resolveHomePath } from './home.js';
import { createOutput, type Output } from './output.js';
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

  /** Fails with MISSING_INPUT naming where the value could have come from. */
  protected missing(what: string, sources: string): never {
    throw new AitbcError('MISSING_INPUT', `missing ${what}: give ${sources}`, { missing: what });
  }

  /** Renders the result for people. The default prints the object as aligned key/value lines. */
  protected renderHuman(result: R): void {
    if (result !== undefined) this.out.keyValues(result as Record<string, unknown>);
  }

  abstract override run(): Promise<R>;

  override async _run<U>(): Promise<U> {
    let result: R | undefined;
    try {
      await this.init();
      result = await this.run();
      if (this.jsonEnabled()) this.out.json(result ?? {});
      else this.renderHuman(result as R);
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
      process.stdout.write(`${JSON.stringify(errorJson(e), null, 2)}\n`);
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
