/**
 * Runs oclif, and renders failures that happen before a command exists (an unknown command, a broken
 * install) with the same JSON / exit-code contract as AitbcCommand.
 */
import { flush } from '@oclif/core/flush';
import { run } from '@oclif/core/run';
import { AitbcError } from '../core/errors.js';
import { errorJson, errorText, exitCodeOf, toAitbcError } from './errors.js';
import { toJsonText } from './output.js';

export async function main(argv: string[], root: string): Promise<void> {
  try {
    await run(argv, root);
    await flush();
  } catch (err) {
    const e = isCommandNotFound(err)
      ? new AitbcError(
          'USAGE',
          // oclif names the id with ":"; the user typed the topic separator, a space.
          String((err as Error).message)
            .split('\n')[0]
            .replace(
              /^command (\S+) not found/,
              (_m, id: string) => `command ${id.replaceAll(':', ' ')} not found`,
            ),
          {},
          { hint: 'run aitbc --help for the commands' },
        )
      : toAitbcError(err);
    if ((err as { oclif?: { exit?: number }; code?: string }).code === 'EEXIT') {
      process.exit((err as { oclif: { exit: number } }).oclif.exit);
    }
    if (argv.includes('--json')) process.stdout.write(`${toJsonText(errorJson(e))}\n`);
    else process.stderr.write(`${errorText(e, { debug: Boolean(process.env.DEBUG) })}\n`);
    process.exit(exitCodeOf(e));
  }
  process.exit(process.exitCode ?? 0);
}

function isCommandNotFound(err: unknown): boolean {
  return /command .* not found/i.test(String((err as Error)?.message ?? ''));
}
