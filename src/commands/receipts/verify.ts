import { AitbcCommand } from '../../cli/base-command.js';
import { coordinatorFlags, nodeFlags, walletFlags } from '../../cli/flags.js';
import { Args, Flags } from '../../cli/oclif.js';
import type { ReceiptVerification } from '../../client/coordinator-receipts.js';

export default class ReceiptsVerify extends AitbcCommand<typeof ReceiptsVerify, ReceiptVerification> {
  static override summary = 'Verify a compute receipt offline, and its settlement on chain';
  static override description =
    'Checks both signatures strictly, that each key hashes to its party’s address, that receiptId and price recompute, the output against outputHash, and — when the node answers — that the chain released the escrow with this very receipt. Give JOB (the receipt and output are fetched from the coordinator with your wallet) or --file (a receipt, or any JSON object carrying `receipt` and optionally `output`, such as `aitbc status JOB --json`) with --output-file for the output. Exit 6 (RECEIPT_INVALID) when a check fails.';
  static override examples = [
    '<%= config.bin %> receipts verify 75e78146da91063d868c84158613a7c5',
    '<%= config.bin %> receipts verify --file receipt.json --output-file answer.txt --json',
  ];
  static override args = { job: Args.string({ description: 'job id (32 hex)' }) };
  static override flags = {
    file: Flags.string({ char: 'f', description: 'receipt JSON file', exclusive: ['job'] }),
    'output-file': Flags.string({
      description: 'the output the receipt is for (checked against outputHash)',
    }),
    offline: Flags.boolean({ description: 'do not ask the node about the settlement' }),
    ...nodeFlags,
    ...walletFlags,
    ...coordinatorFlags,
  };

  async run(): Promise<ReceiptVerification> {
    const f = this.flags;
    const { AitbcError } = await import('../../core/errors.js');
    const fs = await import('node:fs');
    let receipt: unknown;
    let output: string | undefined;
    if (f.file !== undefined) {
      const { parseStrictJson } = await import('../../core/canonical-json.js');
      let doc: unknown;
      try {
        doc = parseStrictJson(fs.readFileSync(f.file, 'utf8'));
      } catch (e) {
        throw new AitbcError(
          'INVALID_INPUT',
          `cannot read a receipt from ${f.file}: ${(e as Error).message}`,
          {
            file: f.file,
          },
        );
      }
      const wrapped = typeof doc === 'object' && doc !== null && 'receipt' in doc;
      receipt = wrapped ? (doc as { receipt: unknown }).receipt : doc;
      if (wrapped && typeof (doc as { output?: unknown }).output === 'string')
        output = (doc as { output: string }).output;
    } else if (this.args.job !== undefined) {
      const { parseJobId } = await import('../../client/coordinator-jobs.js');
      const jobId = parseJobId(this.args.job);
      const wallet = await this.unlockWallet();
      const coord = await this.openCoordinator(wallet.signer);
      try {
        const job = await coord.getJob(jobId);
        if (job.receipt === undefined)
          throw new AitbcError('RECEIPT_NOT_FOUND', `job ${jobId} has no receipt (state ${job.state})`, {
            jobId,
          });
        receipt = job.receipt;
        output = job.output;
      } finally {
        await coord.close();
      }
    } else this.missing('receipt', 'a JOB id or --file receipt.json');
    if (f['output-file'] !== undefined) {
      try {
        output = fs.readFileSync(f['output-file'], 'utf8');
      } catch (e) {
        throw new AitbcError('INVALID_INPUT', `cannot read ${f['output-file']}: ${(e as Error).message}`, {
          file: f['output-file'],
        });
      }
    }
    const { verifyStrict } = await import('../../crypto/ed25519.js');
    const { verifyReceiptFully } = await import('../../client/coordinator-receipts.js');
    let rpc: import('../../client/node-rpc.js').NodeRpc | undefined;
    if (!f.offline) {
      const { openNodeRpc } = await import('../../client/open-node.js');
      const chain = (receipt as { chainId?: unknown } | null)?.chainId;
      rpc = await openNodeRpc({
        ...this.nodeSettings(),
        ...(typeof chain === 'string' ? { chain } : {}),
      });
    }
    let result: ReceiptVerification;
    try {
      result = await verifyReceiptFully(receipt, { verify: verifyStrict, output, rpc });
    } catch (e) {
      if (!(e instanceof AitbcError) || !['UNREACHABLE', 'TIMEOUT'].includes(e.code)) throw e;
      this.out.warn(`the node did not answer (${e.message}); the settlement was not checked`);
      result = await verifyReceiptFully(receipt, { verify: verifyStrict, output });
    } finally {
      await rpc?.close();
    }
    if (!result.valid) {
      const failed = result.checks.filter((c) => c.ok === false).map((c) => `${c.check}: ${c.detail}`);
      throw new AitbcError('RECEIPT_INVALID', `the receipt does not verify — ${failed.join('; ')}`, {
        ...result,
      });
    }
    return result;
  }

  protected override renderHuman(r: ReceiptVerification): void {
    for (const c of r.checks) {
      const mark =
        c.ok === true ? this.out.green('ok  ') : c.ok === null ? this.out.dim('skip') : this.out.red('FAIL');
      this.out.line(`${mark} ${c.check.padEnd(16)} ${c.detail}`);
    }
    this.out.line(`receipt ${r.receiptId} is valid`);
  }
}
