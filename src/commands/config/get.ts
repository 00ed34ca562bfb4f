import { AitbcCommand } from '../../cli/base-command.js';
import { settingOverrideFlags } from '../../cli/flags.js';
import { Args } from '../../cli/oclif.js';
import { assertSettingKey, type ResolvedSetting, type SettingKey } from '../../cli/settings.js';

type Result = ResolvedSetting & { profile: string };

export default class ConfigGet extends AitbcCommand<typeof ConfigGet, Result> {
  static override summary = "Show a setting's effective value and where it came from";
  static override description =
    'Precedence: flag > environment variable > the profile in the config file > built-in default. `source` says which one won. Settings: node, coordinator, chain, wallet, timeout, api-key.';
  static override examples = [
    '<%= config.bin %> config get node',
    'AITBC_NODE=http://10.0.0.2:26657 <%= config.bin %> config get node --json',
    '<%= config.bin %> config get timeout --timeout 5',
  ];
  static override args = { key: Args.string({ description: 'setting name', required: true }) };
  static override flags = settingOverrideFlags;

  async run(): Promise<Result> {
    const key: string = this.args.key;
    assertSettingKey(key);
    return { ...this.setting(key, this.flags[key as SettingKey]), profile: this.profile };
  }

  protected override renderHuman(r: Result): void {
    if (this.out.quiet || r.value === undefined) return this.out.line(r.value ?? '');
    this.out.line(`${r.value}  ${this.out.dim(`(${r.source})`)}`);
  }
}
