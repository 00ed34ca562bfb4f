import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/core/canonical-json.js';
import { type ErrorCode, isAitbcError } from '../../../src/core/errors.js';
import { sha256, sha256Hex } from '../../../src/core/hash.js';
import { toHex } from '../../../src/core/hex.js';
import { verifyStrict } from '../../../src/crypto/ed25519.js';
import {
  blockHash,
  resultHash,
  resultsRoot,
  txRoot,
  validateBlockHeader,
  validatorsHash,
} from '../../../src/protocol/block.js';
import {
  buildCommit,
  commitHash,
  commitIsValid,
  proposerFor,
  validateCommit,
} from '../../../src/protocol/commit.js';
import { escrowMinAmount, maxTokensInFor } from '../../../src/protocol/escrow.js';
import {
  buildGenesis,
  DEFAULT_PARAMS,
  genesisHash,
  genesisSupply,
  validateGenesis,
} from '../../../src/protocol/genesis.js';
import { merkleRoot } from '../../../src/protocol/merkle.js';
import { txHash } from '../../../src/protocol/tx.js';
import type { BlockHeader, GenesisValidator, Vote } from '../../../src/protocol/types.js';
import {
  proposalSignBytes,
  signProposal,
  signVote,
  validateProposal,
  validateVote,
  verifyProposal,
  verifyVote,
  voteSignBytes,
} from '../../../src/protocol/vote.js';
import { alice, bob, CHAIN, carol, dave, makeTx, T0, testTerms, validator } from './helpers.js';

function expectCode(fn: () => unknown, code: ErrorCode): void {
  try {
    fn();
  } catch (e) {
    if (!isAitbcError(e)) throw e;
    expect(e.code, e.message).toBe(code);
    return;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

/** RFC 6962 §2.1 by its recursive definition, as the reference for the bottom-up implementation. */
function mth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return sha256(new Uint8Array());
  if (d.length === 1) return sha256(Uint8Array.of(0, ...d[0]));
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return sha256(Uint8Array.of(1, ...mth(d.slice(0, k)), ...mth(d.slice(k))));
}

describe('merkleRoot (RFC 6962)', () => {
  it('matches the recursive definition for 0..33 leaves', () => {
    const leaves = Array.from({ length: 33 }, (_, i) => sha256(`leaf ${i}`));
    for (let n = 0; n <= 33; n++)
      expect(toHex(merkleRoot(leaves.slice(0, n)))).toBe(toHex(mth(leaves.slice(0, n))));
  });

  it('empty tree = SHA-256("")', () => {
    expect(toHex(merkleRoot([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('matches the Certificate Transparency test vectors', () => {
    // The eight leaves of Google's certificate-transparency merkle_tree_test.cc and their roots.
    const inputs = [
      '',
      '00',
      '10',
      '2021',
      '3031',
      '40414243',
      '5051525354555657',
      '606162636465666768696a6b6c6d6e6f',
    ];
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    const leaves = inputs.map((h) => Uint8Array.from(Buffer.from(h, 'hex')));
    for (let n = 1; n <= 8; n++) expect(toHex(merkleRoot(leaves.slice(0, n)))).toBe(roots[n - 1]);
  });

  it('txRoot hashes transactions or takes their hashes; resultsRoot hashes JCS(result)', () => {
    const txs = [0, 1, 2].map((n) =>
      makeTx(alice, 'transfer', { to: bob.address, amount: '1' }, { nonce: n }),
    );
    expect(txRoot(txs)).toBe(txRoot(txs.map(txHash)));
    expect(txRoot(txs)).toBe(toHex(mth(txs.map((t) => sha256(canonicalJson(t))))));
    const results = [
      { code: 0, log: '' },
      { code: 4, log: 'ESCROW_SETTLED: x' },
    ];
    expect(toHex(resultHash(results[1]))).toBe(sha256Hex('{"code":4,"log":"ESCROW_SETTLED: x"}'));
    expect(resultsRoot(results)).toBe(toHex(mth(results.map(resultHash))));
  });
});

describe('genesis', () => {
  const base = () =>
    buildGenesis({
      chainId: CHAIN,
      time: T0,
      validators: [{ pubkey: validator.publicKey, power: 10 }, { pubkey: carol.signer.publicKey }],
      allocations: [
        { address: bob.address, amount: 5n },
        { address: alice.address, amount: '1000000000' },
      ],
      faucet: { address: alice.address, maxPerRequest: 1_000_000n },
      params: { blockTimeMs: 500, heartbeatMs: undefined },
    });

  it('builds a sorted, validated genesis over DEFAULT_PARAMS', () => {
    const g = base();
    expect(g.validators.map((v) => v.address)).toEqual([validator.address, carol.address].sort());
    expect(g.allocations.map((a) => a.address)).toEqual([alice.address, bob.address].sort());
    expect(g.params).toEqual({ ...DEFAULT_PARAMS, blockTimeMs: 500 });
    expect(genesisSupply(g)).toBe(1_000_000_005n);
    expect(genesisHash(g)).toBe(sha256Hex(canonicalJson(g)));
    expect(validateGenesis(JSON.parse(JSON.stringify(g)))).toEqual(g);
  });

  it('refuses bad genesis documents', () => {
    const bad = (edit: (g: Record<string, any>) => void, code: ErrorCode = 'INVALID_INPUT') => {
      const g = structuredClone(base()) as Record<string, any>;
      edit(g);
      expectCode(() => validateGenesis(g), code);
    };
    bad((g) => (g.validators = []));
    bad((g) => g.validators.reverse());
    bad((g) => (g.validators[0].power = 0));
    bad((g) => (g.validators[0].pubkey = `01${'00'.repeat(31)}`));
    bad((g) => (g.validators[0].address = dave.address));
    bad((g) => (g.validators[0].power = 2 ** 50));
    bad((g) => g.allocations.push({ ...g.allocations[0] }));
    bad((g) => (g.allocations[0].amount = '0'), 'INVALID_AMOUNT');
    bad((g) => {
      g.allocations[0].amount = '9223372036854775807';
      g.allocations[1].amount = '1';
    }, 'INVALID_AMOUNT');
    bad((g) => (g.params.heartbeatMs = 100));
    bad((g) => (g.params.maxTxBytes = 100));
    bad((g) => (g.params.minEscrowMs = g.params.maxEscrowMs + 1));
    bad((g) => delete g.params.minFee);
    bad((g) => (g.params.extra = 1));
    bad((g) => (g.faucet = null));
    bad((g) => (g.chainId = 'Bad'));
  });
});

describe('block headers', () => {
  const header = (): BlockHeader => ({
    version: 1,
    chainId: CHAIN,
    height: 2,
    time: T0 + 2000,
    prevHash: 'aa'.repeat(32),
    txRoot: 'bb'.repeat(32),
    stateRoot: 'cc'.repeat(32),
    resultsRoot: 'dd'.repeat(32),
    validatorsHash: 'ee'.repeat(32),
    nextValidatorsHash: 'ee'.repeat(32),
    proposer: validator.address,
    lastCommitHash: 'ff'.repeat(32),
  });

  it('blockHash = SHA-256(JCS(header)) and validatorsHash sorts', () => {
    expect(blockHash(header())).toBe(sha256Hex(canonicalJson(header())));
    const vs: GenesisValidator[] = [
      { address: validator.address, pubkey: validator.publicKey, power: 1 },
      { address: carol.address, pubkey: carol.publicKey, power: 2 },
    ];
    expect(validatorsHash(vs)).toBe(validatorsHash([...vs].reverse()));
  });

  it('validates the header encoding', () => {
    expect(validateBlockHeader(header())).toEqual(header());
    expectCode(() => validateBlockHeader({ ...header(), extra: 1 }), 'INVALID_INPUT');
    expectCode(() => validateBlockHeader({ ...header(), version: 2 }), 'INVALID_INPUT');
    expectCode(() => validateBlockHeader({ ...header(), lastCommitHash: '' }), 'INVALID_INPUT');
    expectCode(() => validateBlockHeader({ ...header(), height: 1 }), 'INVALID_INPUT');
    expect(validateBlockHeader({ ...header(), height: 1, lastCommitHash: '' }).height).toBe(1);
    expectCode(() => validateBlockHeader({ ...header(), stateRoot: 'CC'.repeat(32) }), 'INVALID_INPUT');
  });
});

describe('votes, proposals and commits', () => {
  const blockHashHex = 'ab'.repeat(32);
  const vote = (over: Partial<Vote> = {}): Vote => ({
    chainId: CHAIN,
    type: 'precommit',
    height: 3,
    round: 0,
    blockHash: blockHashHex,
    validator: validator.address,
    time: T0 + 3000,
    ...over,
  });

  it('signs and verifies votes under aitbc/vote/v1', () => {
    const v = signVote(vote(), validator.signer);
    expect(Buffer.from(voteSignBytes(v)).toString().startsWith('aitbc/vote/v1\n{')).toBe(true);
    expect(verifyVote(v, validator.publicKey, verifyStrict)).toBe(true);
    expect(validateVote(v)).toEqual(v);
    expect(verifyVote({ ...v, round: 1 }, validator.publicKey, verifyStrict)).toBe(false);
    expect(verifyVote(v, carol.publicKey, verifyStrict)).toBe(false);
    expect(validateVote(signVote(vote({ type: 'prevote', blockHash: '' }), validator.signer)).blockHash).toBe(
      '',
    );
    expectCode(() => signVote(vote(), carol.signer), 'INVALID_INPUT');
    expectCode(() => validateVote({ ...v, type: 'commit' }), 'INVALID_INPUT');
    expectCode(() => validateVote({ ...v, blockHash: 'AB'.repeat(32) }), 'INVALID_INPUT');
  });

  it('a vote signature never verifies as a proposal', () => {
    const p = signProposal(
      {
        chainId: CHAIN,
        height: 3,
        round: 0,
        polRound: -1,
        blockHash: blockHashHex,
        proposer: validator.address,
      },
      validator.signer,
    );
    expect(verifyProposal(p, validator.publicKey, verifyStrict)).toBe(true);
    expect(validateProposal(p)).toEqual(p);
    expect(Buffer.from(proposalSignBytes(p)).toString().startsWith('aitbc/proposal/v1\n')).toBe(true);
    const v = signVote(vote(), validator.signer);
    expect(verifyProposal({ ...p, sig: v.sig }, validator.publicKey, verifyStrict)).toBe(false);
    expectCode(() => validateProposal({ ...p, polRound: 0 }), 'INVALID_INPUT');
  });

  const keys = [validator, carol, dave, bob].sort((a, b) => (a.address < b.address ? -1 : 1));
  const set = (powers: number[]): GenesisValidator[] =>
    keys.map((k, i) => ({ address: k.address, pubkey: k.publicKey, power: powers[i] }));
  const target = { height: 3, round: 1, blockHash: blockHashHex };
  const precommit = (i: number) =>
    signVote(vote({ round: 1, validator: keys[i].address, time: T0 + i }), keys[i].signer);
  const valid = (powers: number[], signers: number[]) => {
    const vs = set(powers);
    return commitIsValid(buildCommit(target, vs, signers.map(precommit)), vs, CHAIN, verifyStrict);
  };

  it('commitIsValid needs 3 × signed power > 2 × total power', () => {
    expect(valid([1, 1, 1, 1], [0, 1, 3])).toBe(true); // 9 > 8
    expect(valid([1, 1, 1, 1], [0, 1])).toBe(false); // 6 > 8 fails
    expect(valid([1, 1, 1, 3], [3])).toBe(false); // exactly half
    expect(valid([1, 1, 2, 2], [2, 3])).toBe(false); // 4 of 6: 12 > 12 fails, exactly 2/3 is not enough
    expect(valid([1, 1, 2, 2], [0, 2, 3])).toBe(true); // 15 > 12
    expect(valid([1, 1, 1, 7], [3])).toBe(true); // 21 > 20
  });

  it('one bad entry, another chain or a wrong length invalidates a commit', () => {
    const vs = set([1, 1, 1, 1]);
    const c = buildCommit(target, vs, [0, 1, 2].map(precommit));
    expect(c.sigs[3]).toBeNull();
    expect(commitIsValid(c, vs, CHAIN, verifyStrict)).toBe(true);
    expect(commitIsValid(c, vs, 'other-chain', verifyStrict)).toBe(false);
    const tampered = structuredClone(c);
    (tampered.sigs[0] as { time: number }).time += 1;
    expect(commitIsValid(tampered, vs, CHAIN, verifyStrict)).toBe(false);
    expect(commitIsValid({ ...c, sigs: c.sigs.slice(1) }, vs.slice(1), CHAIN, verifyStrict)).toBe(false);
    expect(commitIsValid({ ...c, sigs: c.sigs.slice(1) }, vs, CHAIN, verifyStrict)).toBe(false);
    expect(commitIsValid({ ...c, blockHash: '' }, vs, CHAIN, verifyStrict)).toBe(false);
    expect(validateCommit(c)).toEqual(c);
    expect(commitHash(c)).toBe(sha256Hex(canonicalJson(c)));
    expectCode(() => buildCommit({ ...target, round: 2 }, vs, [precommit(0)]), 'INVALID_INPUT');
    expectCode(() => validateCommit({ ...c, sigs: [{ time: 1, sig: 'x' }] }), 'INVALID_INPUT');
  });

  it('a single validator commits alone', () => {
    const vs = [{ address: validator.address, pubkey: validator.publicKey, power: 1 }];
    const c = buildCommit({ height: 3, round: 0, blockHash: blockHashHex }, vs, [
      signVote(vote(), validator.signer),
    ]);
    expect(commitIsValid(c, vs, CHAIN, verifyStrict)).toBe(true);
  });

  it('proposerFor rotates by (height + round) mod n', () => {
    const vs = set([1, 1, 1, 1]);
    expect(proposerFor(vs, 1, 0)).toBe(vs[1]);
    expect(proposerFor(vs, 1, 3)).toBe(vs[0]);
    expect(proposerFor(vs, 6, 0)).toBe(vs[2]);
    expectCode(() => proposerFor([], 1, 0), 'INVALID_INPUT');
  });
});

describe('escrow arithmetic', () => {
  it('maxTokensIn = UTF-8 bytes + 16; the lock must cover the terms plus the settlement fee', () => {
    expect(maxTokensInFor('héllo')).toBe(6 + 16);
    const terms = testTerms({ maxTokensIn: 10, maxTokens: 991, maxUnitPrice: '3', settlementFee: '1000' });
    expect(escrowMinAmount(terms)).toBe(4n + 1000n); // ceil(3 × 1001 / 1000) = 4
  });
});
