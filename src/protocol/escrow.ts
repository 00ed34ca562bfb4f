/**
 * Escrow terms arithmetic shared by the client that locks, the coordinator that checks the lock and the
 * chain that enforces it (DESIGN §7): the lock must cover the most the terms can cost plus the
 * settlement fee.
 */
import { computePrice } from './receipt.js';
import type { EscrowTerms } from './types.js';

/** Token allowance of a prompt: its UTF-8 byte length + 16 (DESIGN §7). */
export function maxTokensInFor(prompt: string): number {
  return Buffer.byteLength(prompt, 'utf8') + 16;
}

/**
 * The least an escrow with these terms may lock: ceil(maxUnitPrice × (maxTokensIn + maxTokens) / 1000)
 * + settlementFee, in uait.
 */
export function escrowMinAmount(terms: EscrowTerms): bigint {
  return (
    computePrice(BigInt(terms.maxUnitPrice), terms.maxTokensIn, terms.maxTokens) + BigInt(terms.settlementFee)
  );
}
