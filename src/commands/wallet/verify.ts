import { AitbcCommand } from '../../cli/base-command.js';
import { Args, Flags } from '../../cli/oclif.js';
import { AitbcError } from '../../core/errors.js';

interface Result {
  valid: true;
  address: string;
  publicKey: string;
  message: string;
}

export default class WalletVerify extends AitbcCommand<typeof WalletVerify, Result> {
  static override summary = 'Verify a signed message (no keystore, no network)';
  static override description =
    'Checks that the public key embedded in the signature hashes to --address and that the signature verifies strictly (RFC 8032, no small-order keys, canonical encodings). Exits 0 when valid, 6 (BAD_SIGNATURE) when not.';
  static override examples = ['<%= config.bin %> wallet verify "hello" 3d40…0c00 --address ait1…'];
  static override args = {
    message: Args.string({ description: 'the message', required: true }),
    signature: Args.string({ description: '192 hex characters from `wallet sign`', required: true }),
  };
  static override flags = { address: Flags.string({ description: 'the claimed signer', required: true }) };

  async run(): Promise<Result> {
    const { parseAddress } = await import('../../crypto/address.js');
    const address = parseAddress(this.flags.address);
    const { verifyMessage } = await import('../../crypto/message.js');
    const verdict = verifyMessage(this.args.message, this.args.signature, address);
    if (!verdict.valid) {
      const why = {
        malformed: 'the signature is not 192 hex characters',
        'key-mismatch': 'the signing key does not hash to the address',
        'bad-signature': 'the signature does not verify',
      }[verdict.reason];
      throw new AitbcError('BAD_SIGNATURE', `invalid signature: ${why}`, { reason: verdict.reason, address });
    }
    return { valid: true, address, publicKey: verdict.publicKey, message: this.args.message };
  }

  protected override renderHuman(r: Result): void {
    this.out.line(`Valid signature by ${r.address}`);
  }
}
