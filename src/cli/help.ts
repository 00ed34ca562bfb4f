/**
 * `aitbc --help`: oclif's help plus the exit-code table (DESIGN §4) under the root help.
 */
import { Help } from '@oclif/core';
import { codesByExit, EXIT_MEANINGS } from './errors.js';

export default class AitbcHelp extends Help {
  protected override async showRootHelp(): Promise<void> {
    await super.showRootHelp();
    this.log(this.section('EXIT CODES', exitCodeTable()));
    this.log('');
    this.log(
      this.section(
        'JSON',
        'Every command takes --json: stdout then holds exactly one JSON document (errors: {"error":{code,message,exitCode,details}}). Amounts in JSON are uait decimal strings.',
      ),
    );
  }
}

/** The exit codes with their meanings and error codes, one per line. */
export function exitCodeTable(): string {
  const byExit = codesByExit();
  return EXIT_MEANINGS.map(({ exit, meaning }) => {
    const codes = exit === 0 ? '' : ` — ${(byExit.get(exit) ?? []).join(', ')}`;
    return `${String(exit).padStart(3)}  ${meaning}${codes}`;
  }).join('\n');
}
