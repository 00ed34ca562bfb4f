/**
 * Where passwords come from: `--password-file`, `AITBC_PASSWORD`, `AITBC_PASSWORD_FILE`, else a TTY
 * prompt (confirmation only when choosing a new password). Never prompts when non-interactive.
 */
import * as fs from 'node:fs';
import { AitbcError } from '../core/errors.js';

export interface PasswordSources {
  file?: string;
  env: NodeJS.ProcessEnv;
  interactive: boolean;
}

/** Reads the first line of a password file. */
export function readPasswordFile(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new AitbcError(
      'INVALID_INPUT',
      `cannot read password file ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`,
      {
        file,
      },
    );
  }
  return text.split(/\r?\n/)[0];
}

const SOURCES = '--password-file, AITBC_PASSWORD or AITBC_PASSWORD_FILE';

/** The password to unlock an existing keystore. */
export async function unlockPassword(src: PasswordSources, prompt: string): Promise<string> {
  const given = fromSources(src.file, src.env.AITBC_PASSWORD, src.env.AITBC_PASSWORD_FILE);
  if (given !== undefined) return given;
  if (!src.interactive) throw missing('password', SOURCES);
  const { password } = await import('@inquirer/prompts');
  return password({ message: prompt, mask: '*' });
}

/** A new password (create, import, passwd): confirmed twice on a TTY; never empty. */
export async function newPassword(
  src: PasswordSources & { fileFlag?: string; envName?: string; envFileName?: string },
  prompt: string,
): Promise<string> {
  const envName = src.envName ?? 'AITBC_PASSWORD';
  const envFileName = src.envFileName ?? 'AITBC_PASSWORD_FILE';
  const given = fromSources(src.file, src.env[envName], src.env[envFileName]);
  if (given !== undefined) {
    if (given.length === 0) throw new AitbcError('INVALID_INPUT', 'the password is empty');
    return given;
  }
  if (!src.interactive)
    throw missing('new password', `${src.fileFlag ?? '--password-file'}, ${envName} or ${envFileName}`);
  const { password } = await import('@inquirer/prompts');
  for (;;) {
    const first = await password({
      message: prompt,
      mask: '*',
      validate: (v) => v.length > 0 || 'must not be empty',
    });
    const again = await password({ message: 'Repeat it', mask: '*' });
    if (first === again) return first;
    process.stderr.write('The passwords differ; try again.\n');
  }
}

function fromSources(
  file: string | undefined,
  envValue: string | undefined,
  envFile: string | undefined,
): string | undefined {
  if (file !== undefined) return readPasswordFile(file);
  if (envValue !== undefined) return envValue;
  if (envFile !== undefined && envFile !== '') return readPasswordFile(envFile);
  return undefined;
}

function missing(what: string, sources: string): AitbcError {
  return new AitbcError('MISSING_INPUT', `missing ${what}: give ${sources} (no prompt without a TTY)`, {
    missing: what,
  });
}
