/**
 * Builds the protocol's golden vectors (test/vectors/protocol.json and the table in docs/protocol.md)
 * from the fixed test keys. Signatures are deterministic (RFC 8032), so the same code on any machine
 * writes the same bytes; the tests compare those bytes with the committed files.
 */
import { toHex } from '../../../src/core/hex.js';
import { verifyStrict } from '../../../src/crypto/ed25519.js';
import { ChainState } from '../../../src/node/state/chain-state.js';
import { EMPTY_ROOT } from '../../../src/node/state/smt.js';
import { MemoryNodeStore, MemoryStateStore } from '../../../src/node/state/store.js';
import { blockHash, resultsRoot, txRoot, validatorsHash } from '../../../src/protocol/block.js';
import { buildCommit, commitHash } from '../../../src/protocol/commit.js';
import { buildGenesis, genesisHash } from '../../../src/protocol/genesis.js';
import { receiptBody, receiptSignBytes } from '../../../src/protocol/receipt.js';
import { txHash, txSignBytes } from '../../../src/protocol/tx.js';
import type { BlockHeader, SignedTx, TxResult } from '../../../src/protocol/types.js';
import { signVote, voteSignBytes } from '../../../src/protocol/vote.js';
import {
  alice,
  bob,
  CHAIN,
  carol,
  dave,
  lockBody,
  makeTx,
  receiptBodyFor,
  signReceipt,
  T0,
  type TestKey,
  validator,
} from './helpers.js';

export const VECTOR_JOB_ID = '0123456789abcdef0123456789abcdef';
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

function keyEntry(k: TestKey) {
  return { seed: k.seed, secret: toHex(k.secret), publicKey: k.publicKey, address: k.address };
}

function txEntry(tx: SignedTx) {
  return { tx, signBytes: text(txSignBytes(tx)), sig: tx.sig, hash: txHash(tx) };
}

/** The genesis of the vector chain: alice 1000 AIT, bob and carol 10 AIT each, one validator. */
export function vectorGenesis() {
  return buildGenesis({
    chainId: CHAIN,
    time: T0,
    validators: [{ pubkey: validator.publicKey }],
    allocations: [
      { address: alice.address, amount: 1_000_000_000n },
      { address: bob.address, amount: 10_000_000n },
      { address: carol.address, amount: 10_000_000n },
    ],
  });
}

/** Every vector, in the order and shape written to test/vectors/protocol.json. */
export function buildVectors() {
  const genesis = vectorGenesis();
  const time1 = T0 + 1000;
  const transfer = makeTx(alice, 'transfer', { to: bob.address, amount: '5000000', memo: 'golden vector' });
  const escrowLock = makeTx(alice, 'escrow_lock', lockBody(VECTOR_JOB_ID, time1), { nonce: 1 });
  const receipt = signReceipt(receiptBodyFor(alice.address, VECTOR_JOB_ID));
  const body = receiptBody(receipt);

  const state = new ChainState({
    state: new MemoryStateStore(),
    nodes: new MemoryNodeStore(),
    verify: verifyStrict,
  });
  const genesisRoot = state.initGenesis(genesis);
  const ctx = { chainId: CHAIN, height: 1, time: time1, proposer: validator.address };
  const results: TxResult[] = [transfer, escrowLock].map((tx) => state.applyTx(tx, ctx));
  const block1Root = state.stateRoot();
  // A second lock of the same job, forced into a block: included with ESCROW_EXISTS, paying its fee.
  const failed = state.applyTx(makeTx(alice, 'escrow_lock', lockBody(VECTOR_JOB_ID, time1), { nonce: 2 }), {
    ...ctx,
    height: 2,
  });

  const header: BlockHeader = {
    version: 1,
    chainId: CHAIN,
    height: 1,
    time: time1,
    prevHash: genesisHash(genesis),
    txRoot: txRoot([transfer, escrowLock]),
    stateRoot: block1Root,
    resultsRoot: resultsRoot(results),
    validatorsHash: validatorsHash(genesis.validators),
    nextValidatorsHash: validatorsHash(genesis.validators),
    proposer: validator.address,
    lastCommitHash: '',
  };
  const hash = blockHash(header);
  const vote = signVote(
    {
      chainId: CHAIN,
      type: 'precommit',
      height: 1,
      round: 0,
      blockHash: hash,
      validator: validator.address,
      time: time1 + 5,
    },
    validator.signer,
  );
  const commit = buildCommit({ height: 1, round: 0, blockHash: hash }, genesis.validators, [vote]);

  return {
    description:
      'Golden vectors of the aitbc protocol (docs/protocol.md). Keys: secret = SHA-256("aitbc/test-vectors/<name>"). ' +
      'signBytes are UTF-8 strings; hashes are SHA-256, lowercase hex. Every implementation reproduces them byte for byte.',
    keys: {
      alice: keyEntry(alice),
      bob: keyEntry(bob),
      carol: keyEntry(carol),
      dave: keyEntry(dave),
      validator: keyEntry(validator),
    },
    genesis: { genesis, hash: genesisHash(genesis), stateRoot: genesisRoot },
    transfer: txEntry(transfer),
    escrowLock: txEntry(escrowLock),
    receipt: {
      body,
      signBytes: text(receiptSignBytes(body)),
      receiptId: receipt.receiptId,
      minerSig: receipt.minerSig,
      coordinatorSig: receipt.coordinatorSig,
      receipt,
    },
    vote: { vote, signBytes: text(voteSignBytes(vote)), sig: vote.sig },
    block1: { header, hash, results, commit, commitHash: commitHash(commit) },
    roots: {
      stateRoot: { empty: EMPTY_ROOT, genesis: genesisRoot, afterBlock1: block1Root },
      txRoot: {
        empty: txRoot([]),
        transfer: txRoot([transfer]),
        transferThenEscrowLock: txRoot([transfer, escrowLock]),
      },
      resultsRoot: {
        empty: resultsRoot([]),
        ok: resultsRoot([{ code: 0, log: '' }]),
        okThenEscrowExists: resultsRoot([{ code: 0, log: '' }, failed]),
      },
      failedResult: failed,
    },
  };
}

/** The golden-vector table of docs/protocol.md: name → value. */
export function docVectors(): Record<string, string> {
  const v = buildVectors();
  return {
    'stateRoot, empty tree': v.roots.stateRoot.empty,
    'stateRoot, vector genesis': v.roots.stateRoot.genesis,
    'stateRoot, after block 1 (transfer, escrowLock)': v.roots.stateRoot.afterBlock1,
    'txRoot, no transactions': v.roots.txRoot.empty,
    'txRoot, [transfer]': v.roots.txRoot.transfer,
    'txRoot, [transfer, escrowLock]': v.roots.txRoot.transferThenEscrowLock,
    'resultsRoot, no results': v.roots.resultsRoot.empty,
    'resultsRoot, [ok]': v.roots.resultsRoot.ok,
    'resultsRoot, [ok, ESCROW_EXISTS]': v.roots.resultsRoot.okThenEscrowExists,
    'genesis hash': v.genesis.hash,
    'transfer hash': v.transfer.hash,
    'escrowLock hash': v.escrowLock.hash,
    receiptId: v.receipt.receiptId,
    'block 1 hash': v.block1.hash,
    'block 1 commit hash': v.block1.commitHash,
  };
}
