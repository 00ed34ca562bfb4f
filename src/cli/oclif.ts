/**
 * oclif's pieces imported through their subpaths: `@oclif/core`'s index loads every module it has
 * (help, ux, parser, …) and costs ~25 ms at startup that most commands never use. Commands import
 * `Args`, `Flags` and `Command` from here.
 */
export * as Args from '@oclif/core/args';
export { Command } from '@oclif/core/command';
export * as Flags from '@oclif/core/flags';
export type * as Interfaces from '@oclif/core/interfaces';
