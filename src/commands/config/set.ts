import { AitbcCommand } from '../../cli/base-command.js';
import { Args } from '../../cli/oclif.js';
import { assertSettingKey } from '../../cli/settings.js';

interface Result {
  profile: string;
  key: string;
  value: string;
  file: string;
}

export default class ConfigSet extends AitbcCommand<typeof ConfigSet, Result> {
  static override summary = 'Set a setting in a profile of the config file';
  static override examples = [
    '<%= config.bin %> config set node http://127.0.0.1:26657',
    '<%= config.bin %> config set coordinator https://coord.example:18000 --profile staging',
  ];
  static override args = {
    key: Args.string({
      description: 'setting name (node, coordinator, chain, wallet, timeout, api-key)',
      required: true,
    }),
    value: Args.string({ description: 'value', required: true }),
  };

  async run(): Promise<Result> {
    const key: string = this.args.key;
    assertSettingKey(key);
    const { setSetting } = await import('../../cli/config-store.js');
    await setSetting(this.home.configFile, this.profile, key, this.args.value);
    return { profile: this.profile, key, value: this.args.value, file: this.home.configFile };
  }

  protected override renderHuman(r: Result): void {
    this.out.line(`Set ${r.key} = ${r.value} in profile "${r.profile}"`);
  }
}
