/** Assertions on a CLI run under --json (DESIGN §4): shared by the e2e suites. */
import { expect } from 'vitest';
import type { CliResult } from './cli.js';

/** Success under --json: exit 0, nothing on stderr, stdout exactly one JSON document. */
export function ok<T = any>(r: CliResult): T {
  if (r.code !== 0 || r.stderr !== '')
    expect.fail(
      `expected exit 0 and an empty stderr, got exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`,
    );
  return r.json<T>();
}

/** An error under --json: the exit code, the error document on stdout and nothing else. */
export function fails(
  r: CliResult,
  exit: number,
  code: string,
): { message: string; details: Record<string, unknown> } {
  expect(r.code).toBe(exit);
  const doc = r.json();
  expect(Object.keys(doc)).toEqual(['error']);
  expect(Object.keys(doc.error).sort()).toEqual(['code', 'details', 'exitCode', 'message']);
  expect(doc.error.code).toBe(code);
  expect(doc.error.exitCode).toBe(exit);
  expect(r.stderr).toBe('');
  return doc.error;
}
