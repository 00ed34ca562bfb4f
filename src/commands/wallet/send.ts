import { AitbcCommand } from '../../cli/base-command.js';
import { nodeFlags, walletFlags } from '../../cli/flags.js';
import { Args, Flags } from '../../cli/oclif.js';
import { openNodeRpc } from '../../client/open-node.js';
import { WAIT_MODES, type WaitMode } from '../../client/rpc-types.js';
import type { SendResult } from '../../client/send.js';
import { formatAitWithUnit, parseAmount } from '../../core/amount.js';
import { AitbcError } from '../../core/errors.js';

export default class WalletSend extends AitbcCommand<typeof WalletSend, SendResult> {
  static override summary = 'Send AIT to an address';
  static override description =
    `Signs a transfer with the wallet's key and broadcasts it. By default waits until the block holding it is committed (final: the chain has no forks). The fee defaults to the chain's minimum fee and is always shown; fees are burned.

AMOUNT accepts 1.5, 1.5AIT or 1500000uait. TO is an ait1… address or the name of a wallet in this home.

--sign-only signs without any network call and prints the signed transaction (JSON) for \`aitbc chain broadcast FILE\`; it needs --chain and --nonce (and uses --fee, or the devnet default minimum fee).`;
  static override examples = [
    '<%= config.bin %> wallet send ait1qy… 1.5 --wallet alice',
    '<%= config.bin %> wallet send bob 250000uait --memo "lunch" --json',
    '<%= config.bin %> wallet send ait1qy… 2 --wait none',
    '<%= config.bin %> wallet send ait1qy… 2 --sign-only --chain aitbc-devnet --nonce 7 > tx.json',
  ];
  static override args = {
    to: Args.string({ description: 'recipient: an ait1… address or a wallet name', required: true }),
    amount: Args.string({ description: 'amount: 1.5, 1.5AIT or 1500000uait', required: true }),
  };
  static override flags = {
    ...nodeFlags,
    ...walletFlags,
    fee: Flags.string({
      description: "fee (burned), e.g. 0.001 or 1000uait (default: the chain's minimum fee)",
    }),
    memo: Flags.string({ description: 'memo stored with the transfer (at most 256 UTF-8 bytes)' }),
    nonce: Flags.integer({ description: "nonce to use (default: the account's next pending nonce)", min: 0 }),
    wait: Flags.string({
      description: 'how long to wait: none (sent), accepted (in the mempool) or committed (in a final block)',
      options: [...WAIT_MODES],
      default: 'committed',
    }),
    'sign-only': Flags.boolean({
      description: 'sign offline and print the transaction instead of sending it',
    }),
  };

  async run(): Promise<SendResult> {
    const { assertMemo, assertPositiveAmount, signTransfer } = await import('../../client/transfer.js');
    const amount = parseAmount(this.args.amount);
    assertPositiveAmount(amount, this.args.amount);
    const fee = this.flags.fee === undefined ? undefined : parseAmount(this.flags.fee);
    if (this.flags.memo !== undefined) assertMemo(this.flags.memo);
    const to = await this.recipient(this.args.to);
    const settings = this.nodeSettings();
    const wait = this.flags.wait as WaitMode;

    if (this.flags['sign-only']) {
      if (settings.chain === undefined)
        this.missing('chain id for offline signing', '--chain or AITBC_CHAIN');
      if (this.flags.nonce === undefined) this.missing('nonce for offline signing', '--nonce');
      const { DEFAULT_PARAMS } = await import('../../protocol/genesis.js');
      const wallet = await this.unlockWallet();
      const feeUsed = fee ?? BigInt(DEFAULT_PARAMS.minFee);
      const { tx, hash } = signTransfer({
        chainId: settings.chain,
        signer: wallet.signer,
        from: wallet.address,
        to,
        amount,
        fee: feeUsed,
        nonce: this.flags.nonce,
        memo: this.flags.memo,
      });
      return {
        status: 'signed',
        chainId: tx.chainId,
        hash,
        from: tx.from,
        to,
        amount: amount.toString(),
        fee: tx.fee,
        nonce: tx.nonce,
        ...(this.flags.memo === undefined ? {} : { memo: this.flags.memo }),
        tx,
      };
    }

    const wallet = await this.unlockWallet();
    const rpc = await openNodeRpc(settings);
    const { sendTransfer } = await import('../../client/send.js');
    if (wait !== 'none') this.out.info(`Sending and waiting until ${wait}…`);
    return sendTransfer(rpc, {
      signer: wallet.signer,
      from: wallet.address,
      to,
      amount,
      fee,
      nonce: this.flags.nonce,
      memo: this.flags.memo,
      wait,
    });
  }

  /** An ait1… address as typed (lowercased), or a wallet's address; anything else is INVALID_ADDRESS. */
  private async recipient(input: string): Promise<string> {
    if (input.toLowerCase().startsWith('ait1')) return this.resolveAddress(input);
    const store = await this.wallets();
    if (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(input) && store.exists(input))
      return store.read(input).address;
    throw new AitbcError(
      'INVALID_ADDRESS',
      `invalid recipient "${input}": expected an ait1… address or a wallet name`,
      {
        input,
      },
    );
  }

  protected override renderHuman(r: SendResult): void {
    if (r.status === 'signed') {
      this.out.info(
        `Signed ${formatAitWithUnit(BigInt(r.amount))} to ${r.to} (fee ${formatAitWithUnit(BigInt(r.fee))}, nonce ${r.nonce}, chain ${r.chainId}); broadcast it with: aitbc chain broadcast FILE`,
      );
      this.out.line(JSON.stringify(r.tx));
      return;
    }
    if (this.out.quiet) return this.out.line(r.hash);
    const where = r.status === 'committed' ? `committed in block ${r.height}` : r.status;
    this.out.line(`Sent ${formatAitWithUnit(BigInt(r.amount))} to ${r.to} — ${where}`);
    this.out.keyValues({
      fee: formatAitWithUnit(BigInt(r.fee)),
      from: r.from,
      nonce: r.nonce,
      memo: r.memo,
      tx: r.hash,
      chain: r.chainId,
    });
  }
}
