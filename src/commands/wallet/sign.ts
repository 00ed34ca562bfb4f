import { AitbcCommand } from '../../cli/base-command.js';
import { derivationFlags, walletFlags } from '../../cli/flags.js';
import { Args } from '../../cli/oclif.js';
import type { SignedMessage } from '../../crypto/message.js';

export default class WalletSign extends AitbcCommand<typeof WalletSign, SignedMessage> {
  static override summary = 'Sign a message with a wallet';
  static override description =
    'Signs "aitbc/message/v1\\n" + JCS({address, message}). The signature is 192 hex characters: the 32-byte public key then the 64-byte ed25519 signature, so `wallet verify` needs no keystore and no network.';
  static override examples = ['<%= config.bin %> wallet sign "hello" --wallet alice --json'];
  static override args = { message: Args.string({ description: 'the message (UTF-8)', required: true }) };
  static override flags = { ...walletFlags, ...derivationFlags };

  async run(): Promise<SignedMessage> {
    const unlocked = await this.unlockWallet();
    const { signMessage } = await import('../../crypto/message.js');
    if (this.flags.account === undefined && this.flags.index === undefined)
      return signMessage(this.args.message, unlocked.signer);
    const { deriveOther } = await import('../../cli/wallet-service.js');
    const { signerFromSecret } = await import('../../crypto/ed25519.js');
    const other = deriveOther(unlocked.key, this.flags.account ?? 0, this.flags.index ?? 0);
    return signMessage(this.args.message, signerFromSecret(other.signingKey));
  }

  protected override renderHuman(r: SignedMessage): void {
    if (this.out.quiet) return this.out.line(r.signature);
    this.out.keyValues({ address: r.address, signature: r.signature });
  }
}
