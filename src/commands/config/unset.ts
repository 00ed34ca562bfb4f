import { AitbcCommand } from '../../cli/base-command.js';
import { Args } from '../../cli/oclif.js';
import { assertSettingKey } from '../../cli/settings.js';

interface Result {
  profile: string;
  key: string;
  removed: boolean;
}

export default class ConfigUnset extends AitbcCommand<typeof ConfigUnset, Result> {
  static override summary = 'Remove a setting from a profile of the config file';
  static override examples = ['<%= config.bin %> config unset node'];
  static override args = { key: Args.string({ description: 'setting name', required: true }) };

  async run(): Promise<Result> {
    const key: string = this.args.key;
    assertSettingKey(key);
    const { unsetSetting } = await import('../../cli/config-store.js');
    return {
      profile: this.profile,
      key,
      removed: await unsetSetting(this.home.configFile, this.profile, key),
    };
  }

  protected override renderHuman(r: Result): void {
    this.out.line(
      r.removed
        ? `Removed ${r.key} from profile "${r.profile}"`
        : `${r.key} was not set in profile "${r.profile}"`,
    );
  }
}
