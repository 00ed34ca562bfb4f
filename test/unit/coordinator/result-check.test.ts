/**
 * Checking a miner's result and counter-signing it: every way a receipt can be forged, altered or name
 * the wrong party is refused before the coordinator signs; what it does sign verifies as the chain and
 * `aitbc receipts verify` will check it.
 */
import { describe, expect, it } from 'vitest';
import {
  checkMinerResult,
  counterSign,
  type ResultContext,
} from '../../../src/coordinator/receipts/result-check.js';
import type { AitbcError } from '../../../src/core/errors.js';
import { toHex } from '../../../src/core/hex.js';
import { verifyStrict } from '../../../src/crypto/ed25519.js';
import { computeInputHash, receiptSignBytes, verifyReceipt } from '../../../src/protocol/receipt.js';
import type { ReceiptBody } from '../../../src/protocol/types.js';
import { key, minerReceipt } from './helpers.js';

const alice = key('alice');
const carol = key('carol');
const dave = key('dave');
const bob = key('bob');

const jobId = '34'.repeat(16);
const prompt = 'What is AITBC?';
const inputHash = computeInputHash({ model: 'echo', prompt, params: { maxTokens: 8 } });
const assignment = {
  jobId,
  chainId: 'aitbc-test',
  client: alice.address,
  coordinator: carol.address,
  coordinatorPubkey: carol.pub,
  model: 'echo',
  inputHash,
  unitPrice: '1000',
};
const output = '[echo] What is AITBC?';
const now = Date.now();

function ctx(over: Partial<ResultContext['job']> = {}): ResultContext {
  return {
    chainId: 'aitbc-test',
    coordinator: carol.address,
    coordinatorPubkey: carol.pub,
    job: {
      jobId,
      client: alice.address,
      model: 'echo',
      inputHash,
      unitPrice: 1000n,
      maxTokensIn: 30,
      maxTokens: 8,
      amount: 1076n,
      settlementFee: 1000n,
      streamedText: '[echo] What',
      tokensStreamed: 2,
      ...over,
    },
    miner: { address: dave.address, pubkey: dave.pub },
    registration: { payTo: dave.address, backend: 'echo' },
    now,
    maxClockSkewMs: 30_000,
    maxOutputBytes: 1000,
    verify: verifyStrict,
  };
}

function submit(
  over: Partial<ReceiptBody> = {},
  opts: { output?: string; signer?: typeof dave; ctxOver?: Partial<ResultContext['job']> } = {},
) {
  const { receipt } = minerReceipt(
    dave,
    assignment,
    opts.output ?? output,
    { tokensIn: 3, tokensOut: 4 },
    over,
  );
  const minerSig = toHex((opts.signer ?? dave).signer.sign(receiptSignBytes(receipt)));
  return () => checkMinerResult({ output: opts.output ?? output, receipt, minerSig }, ctx(opts.ctxOver));
}

function problem(fn: () => unknown): { code: string; problem?: string; field?: string } {
  try {
    fn();
  } catch (e) {
    const err = e as AitbcError;
    return { code: err.code, problem: err.details.problem as string, field: err.details.field as string };
  }
  throw new Error('expected a refusal');
}

describe('checkMinerResult', () => {
  it('accepts a correct result, and the counter-signed receipt verifies with both signatures', () => {
    const checked = submit()();
    const receipt = counterSign(checked, carol.signer);
    expect(verifyReceipt(receipt, verifyStrict)).toEqual([]);
    expect(receipt.coordinator).toBe(carol.address);
    expect(receipt.price).toBe('7');
  });

  it('refuses a receipt naming the wrong party, chain, job, model or input', () => {
    const cases: Array<[Partial<ReceiptBody>, string]> = [
      [{ chainId: 'other' }, 'chainId'],
      [{ jobId: '56'.repeat(16) }, 'jobId'],
      [{ client: bob.address }, 'client'],
      [{ coordinator: bob.address }, 'coordinator'],
      [{ coordinatorPubkey: bob.pub }, 'coordinatorPubkey'],
      [{ miner: bob.address }, 'miner'],
      [{ minerPubkey: bob.pub }, 'minerPubkey'],
      [{ payTo: bob.address }, 'payTo'],
      [{ backend: 'ollama' }, 'backend'],
      [{ model: 'llama3.2' }, 'model'],
      [{ inputHash: '00'.repeat(32) }, 'inputHash'],
    ];
    for (const [over, field] of cases) {
      const p = problem(submit(over));
      expect(p.code, field).toBe('RECEIPT_INVALID');
      expect(p.field).toBe(field);
    }
  });

  it('refuses wrong output, token counts, prices and times', () => {
    expect(problem(submit({ outputHash: '00'.repeat(32) })).field).toBe('outputHash');
    expect(problem(submit({}, { output: 'something else' })).field).toBe('output');
    const { receipt, minerSig } = minerReceipt(dave, assignment, output, { tokensIn: 3, tokensOut: 4 });
    const swapped = () => checkMinerResult({ output: `${output}!`, receipt, minerSig }, ctx());
    expect(problem(swapped).field).toBe('outputHash');
    expect(problem(submit({}, { ctxOver: { streamedText: '[echo] Who' } })).field).toBe('output');
    expect(problem(submit({}, { ctxOver: { tokensStreamed: 5 } })).field).toBe('tokensOut');
    expect(problem(submit({ tokensIn: 31, price: '35' })).field).toBe('tokensIn');
    expect(problem(submit({ tokensOut: 9, price: '12' })).field).toBe('tokensOut');
    expect(problem(submit({ unitPrice: '900', price: '7' })).field).toBe('unitPrice');
    expect(problem(submit({ price: '8' })).field).toBe('price');
    expect(problem(submit({}, { ctxOver: { amount: 1006n } })).problem).toMatch(/exceeds the escrow/);
    expect(problem(submit({ startedAt: now + 10, completedAt: now })).field).toBe('completedAt');
    expect(problem(submit({ startedAt: now, completedAt: now + 60_000 })).problem).toMatch(/future/);
  });

  it('refuses a forged or altered signature', () => {
    expect(problem(submit({}, { signer: bob })).field).toBe('minerSig');
    const { receipt, minerSig } = minerReceipt(dave, assignment, output, { tokensIn: 3, tokensOut: 4 });
    const altered = { ...receipt, tokensIn: 2, price: '6' };
    expect(problem(() => checkMinerResult({ output, receipt: altered, minerSig }, ctx())).field).toBe(
      'minerSig',
    );
  });

  it('refuses malformed bodies as INVALID_INPUT', () => {
    const { receipt, minerSig } = minerReceipt(dave, assignment, output, { tokensIn: 3, tokensOut: 4 });
    expect(problem(() => checkMinerResult({ output, receipt, minerSig, extra: 1 }, ctx())).code).toBe(
      'INVALID_INPUT',
    );
    expect(
      problem(() => checkMinerResult({ output, receipt: { ...receipt, receiptId: 'x' }, minerSig }, ctx()))
        .code,
    ).toBe('INVALID_INPUT');
    expect(problem(() => checkMinerResult({ output: 'x'.repeat(1001), receipt, minerSig }, ctx())).code).toBe(
      'INVALID_INPUT',
    );
    expect(problem(() => checkMinerResult({ output, receipt, minerSig: 'zz' }, ctx())).code).toBe(
      'INVALID_INPUT',
    );
  });
});
