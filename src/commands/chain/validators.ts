import { AitbcCommand } from '../../cli/base-command.js';
import { nodeFlags } from '../../cli/flags.js';
import type { ValidatorSet } from '../../client/rpc-types.js';

export default class ChainValidators extends AitbcCommand<typeof ChainValidators, ValidatorSet> {
  static override summary = "List a chain's validators and their voting power";
  static override description =
    'The validator set in validator-set order (sorted by address), with each public key and voting power. A block is final once validators holding more than 2/3 of the power have signed it.';
  static override examples = [
    '<%= config.bin %> chain validators',
    '<%= config.bin %> chain validators --json',
  ];
  static override flags = { ...nodeFlags };

  async run(): Promise<ValidatorSet> {
    const rpc = await this.openNode();
    return rpc.getValidators();
  }

  protected override async renderHuman(r: ValidatorSet): Promise<void> {
    if (this.out.quiet) {
      for (const v of r.items) this.out.line(v.address);
      return;
    }
    await this.out.table(r.items, [{ key: 'address' }, { key: 'power' }, { key: 'pubkey' }]);
  }
}
