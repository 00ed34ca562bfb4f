import * as fs from 'node:fs';
import { AitbcCommand } from '../../cli/base-command.js';
import { nodeFlags } from '../../cli/flags.js';
import { Args, Flags } from '../../cli/oclif.js';
import { openNodeRpc } from '../../client/open-node.js';
import { type WithRfc3339, withRfc3339 } from '../../client/present.js';
import { type BroadcastResult, WAIT_MODES, type WaitMode } from '../../client/rpc-types.js';
import { AitbcError } from '../../core/errors.js';

type Result = WithRfc3339<BroadcastResult, 'time'> & {
  chainId: string;
  from: string;
  nonce: number;
  fee: string;
};

export default class ChainBroadcast extends AitbcCommand<typeof ChainBroadcast, Result> {
  static override summary = 'Broadcast a transaction signed offline';
  static override description =
    `Reads a signed transaction from FILE ("-" for stdin): the transaction itself, or the --json output of \`wallet send --sign-only\`. It is checked locally first (encoding and signature, no network call for a bad file), then sent to the node of --node for the chain the transaction names, waiting until it is committed unless --wait says otherwise.`;
  static override examples = [
    '<%= config.bin %> wallet send ait1qy… 2 --sign-only --chain aitbc-devnet --nonce 7 > tx.json',
    '<%= config.bin %> chain broadcast tx.json',
    'cat tx.json | <%= config.bin %> chain broadcast - --wait accepted --json',
  ];
  static override args = {
    file: Args.string({ description: 'file holding the signed transaction, or - for stdin', required: true }),
  };
  static override flags = {
    node: nodeFlags.node,
    timeout: nodeFlags.timeout,
    wait: Flags.string({
      description: 'how long to wait: none, accepted (in the mempool) or committed (in a final block)',
      options: [...WAIT_MODES],
      default: 'committed',
    }),
  };

  async run(): Promise<Result> {
    const source = this.args.file === '-' ? 'stdin' : this.args.file;
    let text: string;
    try {
      text = fs.readFileSync(this.args.file === '-' ? 0 : this.args.file, 'utf8');
    } catch (e) {
      throw new AitbcError(
        'INVALID_INPUT',
        `cannot read ${source}: ${(e as NodeJS.ErrnoException).code ?? e}`,
        {
          file: source,
        },
      );
    }
    const { readSignedTx } = await import('../../client/transfer.js');
    const { verifyTxSignature } = await import('../../protocol/tx.js');
    const { verifyStrict } = await import('../../crypto/ed25519.js');
    const { tx } = readSignedTx(text, source);
    verifyTxSignature(tx, verifyStrict);
    // The transaction names its chain; the node routes it there (and refuses a chain it lacks).
    const settings = this.nodeSettings({ chain: tx.chainId });
    const rpc = await openNodeRpc(settings);
    const wait = this.flags.wait as WaitMode;
    if (wait === 'committed') this.out.info('Broadcasting and waiting until committed…');
    const r = await rpc.broadcastTx(tx, wait);
    const result = {
      ...withRfc3339(r, ['time']),
      chainId: tx.chainId,
      from: tx.from,
      nonce: tx.nonce,
      fee: tx.fee,
    };
    if (r.code !== undefined && r.code !== 0) {
      throw new AitbcError(
        'TX_FAILED',
        `transaction ${r.hash} was included in block ${r.height} but failed: ${r.log}`,
        result,
      );
    }
    return result;
  }

  protected override renderHuman(r: Result): void {
    if (this.out.quiet) return this.out.line(r.hash);
    const where = r.status === 'committed' ? `committed in block ${r.height}` : r.status;
    const result = r.code === undefined ? undefined : r.code === 0 ? 'ok' : `failed: ${r.log}`;
    this.out.line(`Broadcast ${r.hash} — ${where}`);
    this.out.keyValues({ chain: r.chainId, from: r.from, nonce: r.nonce, result });
  }
}
