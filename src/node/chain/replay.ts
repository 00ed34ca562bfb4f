/**
 * Replays a chain's stored blocks from genesis into an empty in-memory state and checks every block
 * against what it claims: hash, links to its parent and parent's commit, proposer, time, validators,
 * each transaction's encoding, hash and signature, the tx, results and state roots, its own commit's
 * signatures, and conservation of the supply. At the end the replayed state must equal the stored one,
 * so a block whose state changes were half-applied cannot hide. Used by the crash test and by anyone
 * who wants to audit a database.
 */
import { canonicalJson } from '../../core/canonical-json.js';
import { AitbcError } from '../../core/errors.js';
import { createFastVerifier } from '../../crypto/ed25519.js';
import { blockHash, resultsRoot, txRoot, validatorsHash } from '../../protocol/block.js';
import { commitHash, commitIsValid, proposerFor } from '../../protocol/commit.js';
import { genesisHash } from '../../protocol/genesis.js';
import { decodeTx, verifyTxSignature } from '../../protocol/tx.js';
import type { BlockHeader, Commit, Genesis, TxResult } from '../../protocol/types.js';
import { ChainState } from '../state/chain-state.js';
import { MemoryNodeStore, MemoryStateStore } from '../state/store.js';
import type { ChainDb } from '../store/chain-db.js';

export interface ReplayReport {
  height: number;
  blocks: number;
  txs: number;
  stateRoot: string;
}

export interface ReplayOptions {
  /** Check conservation after every block (O(accounts) each); otherwise only at the end. */
  conservationEveryBlock?: boolean;
}

/**
 * @returns what was replayed.
 * @throws AitbcError INTERNAL naming the first height and check that failed.
 * @example replayChain(openChainDb(file, {readonly: true}), genesis)
 */
export function replayChain(db: ChainDb, genesis: Genesis, opts: ReplayOptions = {}): ReplayReport {
  const verifier = createFastVerifier();
  const verify = (s: Uint8Array, m: Uint8Array, p: Uint8Array) => verifier.verify(s, m, p);
  const stateStore = new MemoryStateStore();
  const state = new ChainState({ state: stateStore, nodes: new MemoryNodeStore(), verify });
  let root = state.initGenesis(genesis);
  const stored = db.getMeta('genesisStateRoot');
  const fail = (height: number, what: string): never => {
    throw new AitbcError('INTERNAL', `replay failed at height ${height}: ${what}`, { height, what });
  };
  if (stored !== undefined && stored !== root) fail(0, `genesis state root ${root} ≠ stored ${stored}`);
  const validators = state.getValidators();
  const valsHash = validatorsHash(validators);
  const maxTxBytes = state.getParams().maxTxBytes;
  let prev = {
    hash: genesisHash(genesis),
    time: genesis.time,
    commit: null as Commit | null,
    commitText: null as string | null,
  };
  const latest = db.latestHeight();
  let txCount = 0;
  for (let h = 1; h <= latest; h++) {
    const row = db.blockByHeight(h);
    if (row === undefined) return fail(h, 'block missing');
    const header = JSON.parse(row.header) as BlockHeader;
    const commit = JSON.parse(row.block_commit) as Commit;
    if (canonicalJson(header) !== row.header) fail(h, 'header is not stored in canonical form');
    if (blockHash(header) !== row.hash) fail(h, 'stored hash is not the header’s hash');
    if (header.height !== h || header.chainId !== genesis.chainId) fail(h, 'height or chainId');
    if (header.prevHash !== prev.hash) fail(h, 'prevHash does not link to the parent');
    if (header.time <= prev.time || row.time !== header.time) fail(h, 'time is not above the parent’s');
    if (header.validatorsHash !== valsHash || header.nextValidatorsHash !== valsHash)
      fail(h, 'validatorsHash');
    if (row.last_commit !== prev.commitText) fail(h, 'lastCommit is not the parent’s commit');
    if (header.lastCommitHash !== (prev.commit === null ? '' : commitHash(prev.commit)))
      fail(h, 'lastCommitHash');
    if (commit.height !== h || commit.blockHash !== row.hash) fail(h, 'commit is not for this block');
    if (!commitIsValid(commit, validators, genesis.chainId, verify))
      fail(h, 'commit signatures do not verify');
    if (header.proposer !== proposerFor(validators, h, commit.round).address) fail(h, 'proposer');
    const txRows = db.blockTxs(h);
    if (txRows.length !== row.tx_count) fail(h, 'transaction count');
    const hashes: string[] = [];
    const results: TxResult[] = [];
    const ctx = { chainId: genesis.chainId, height: h, time: header.time, proposer: header.proposer };
    for (const t of txRows) {
      const decoded = decodeTx(JSON.parse(t.tx), { maxTxBytes });
      if (decoded.json !== t.tx || decoded.hash !== t.hash)
        fail(h, `transaction ${t.idx} is not stored canonically`);
      verifyTxSignature(decoded.tx, verify);
      const result = state.applyTx(decoded.tx, ctx);
      if (result.code !== t.code || result.log !== t.log) fail(h, `transaction ${t.idx} result differs`);
      hashes.push(t.hash);
      results.push(result);
    }
    if (txRoot(hashes) !== header.txRoot) fail(h, 'txRoot');
    if (resultsRoot(results) !== header.resultsRoot) fail(h, 'resultsRoot');
    root = state.stateRoot();
    if (root !== header.stateRoot) fail(h, `stateRoot ${root} ≠ header ${header.stateRoot}`);
    if (opts.conservationEveryBlock && !state.checkConservation().ok) fail(h, 'supply is not conserved');
    txCount += txRows.length;
    prev = { hash: row.hash, time: header.time, commit, commitText: row.block_commit };
  }
  if (!state.checkConservation().ok) fail(latest, 'supply is not conserved');
  const replayed = [...stateStore.map].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const actual = db.stateEntries();
  if (
    replayed.length !== actual.length ||
    replayed.some(([k, v], i) => actual[i].key !== k || actual[i].value !== v)
  )
    fail(latest, 'the stored state differs from the replayed state');
  return { height: latest, blocks: latest, txs: txCount, stateRoot: root };
}
