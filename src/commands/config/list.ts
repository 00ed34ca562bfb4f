import { AitbcCommand } from '../../cli/base-command.js';
import { settingOverrideFlags } from '../../cli/flags.js';
import { type ResolvedSetting, SETTING_KEYS, SETTINGS } from '../../cli/settings.js';

interface Result {
  profile: string;
  profiles: string[];
  file: string;
  items: Array<ResolvedSetting & { env: string }>;
}

export default class ConfigList extends AitbcCommand<typeof ConfigList, Result> {
  static override summary = 'List every setting with its effective value and source';
  static override examples = [
    '<%= config.bin %> config list',
    '<%= config.bin %> config list --profile staging --json',
  ];
  static override flags = settingOverrideFlags;

  async run(): Promise<Result> {
    return {
      profile: this.profile,
      profiles: Object.keys(this.config_().profiles ?? {}),
      file: this.home.configFile,
      items: SETTING_KEYS.map((key) => ({ ...this.setting(key, this.flags[key]), env: SETTINGS[key].env })),
    };
  }

  protected override async renderHuman(r: Result): Promise<void> {
    this.out.info(`profile "${r.profile}" in ${r.file}`);
    await this.out.table(r.items, [{ key: 'key' }, { key: 'value' }, { key: 'source' }, { key: 'env' }]);
  }
}
