/**
 * The bundle's entry (scripts/bundle.js): `main` for bin/run.js and `COMMANDS` for oclif's explicit
 * command strategy. `aitbc:commands` is generated at bundle time from src/commands.
 */
// @ts-expect-error: a virtual module resolved by the bundler.
export { COMMANDS } from 'aitbc:commands';
export { main } from './main.js';
