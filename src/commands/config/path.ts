import { AitbcCommand } from '../../cli/base-command.js';

interface Result {
  file: string;
  home: string;
}

export default class ConfigPath extends AitbcCommand<typeof ConfigPath, Result> {
  static override summary = 'Print the config file path and the home directory';
  static override examples = ['<%= config.bin %> config path'];

  async run(): Promise<Result> {
    return { file: this.home.configFile, home: this.home.root };
  }

  protected override renderHuman(r: Result): void {
    this.out.line(r.file);
  }
}
