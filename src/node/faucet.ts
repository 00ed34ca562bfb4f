/**
 * Faucet rules (DESIGN §7 Faucet): an amount capped by the genesis `faucet.maxPerRequest`, a per-address
 * rate limit, refusal on chains without a faucet (NO_FAUCET) and, by default, whenever the RPC listens
 * on a non-loopback address (a public faucet is an open tap). Pure decisions with an injected clock;
 * the chain node signs and submits the transfer.
 */
import { AitbcError } from '../core/errors.js';

export interface FaucetLimits {
  /** Requests allowed per address per window. */
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_FAUCET_LIMITS: FaucetLimits = { perAddress: 5, windowMs: 60_000 };

/** A sliding-window counter per address. */
export class FaucetRateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly limits: FaucetLimits = DEFAULT_FAUCET_LIMITS) {}

  /**
   * Records a request for `address` at `now`.
   * @throws AitbcError RATE_LIMITED with `retryAfterMs` when the window is full.
   */
  take(address: string, now: number): void {
    const from = now - this.limits.windowMs;
    const recent = (this.hits.get(address) ?? []).filter((t) => t > from);
    if (recent.length >= this.limits.perAddress) {
      const retryAfterMs = recent[0] + this.limits.windowMs - now;
      throw new AitbcError(
        'RATE_LIMITED',
        `faucet: at most ${this.limits.perAddress} requests per ${this.limits.windowMs / 1000} s for ${address}`,
        { address, retryAfterMs },
      );
    }
    recent.push(now);
    this.hits.set(address, recent);
    if (this.hits.size > 100_000) this.prune(from);
  }

  private prune(from: number): void {
    for (const [a, ts] of this.hits) if (ts.every((t) => t <= from)) this.hits.delete(a);
  }
}

/** True for 127.0.0.0/8, ::1 and "localhost": binds where only this machine can reach the RPC. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * The amount to pay out: the request's, or the cap when none is given.
 * @throws AitbcError INVALID_AMOUNT when the amount is zero or above the cap.
 */
export function faucetAmount(requested: bigint | undefined, maxPerRequest: bigint): bigint {
  const amount = requested ?? maxPerRequest;
  if (amount <= 0n)
    throw new AitbcError('INVALID_AMOUNT', 'faucet amount must be above zero', { amount: amount.toString() });
  if (amount > maxPerRequest) {
    throw new AitbcError('INVALID_AMOUNT', `faucet pays at most ${maxPerRequest} uait per request`, {
      amount: amount.toString(),
      maxPerRequest: maxPerRequest.toString(),
    });
  }
  return amount;
}
