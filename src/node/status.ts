/**
 * `node status`: what the home holds and whether a node runs on it, read from the files alone — the
 * validator's address (no password needed), each chain's genesis hash and stored height (the databases
 * opened read-only, which WAL allows beside a running node), and the running node's pid and endpoints.
 */
import * as fs from 'node:fs';
import { parseStrictJson } from '../core/canonical-json.js';
import { genesisHash } from '../protocol/genesis.js';
import type { Genesis } from '../protocol/types.js';
import { listChainIds, nodeLayout } from './layout.js';
import { openChainDb } from './store/chain-db.js';
import { isDirLocked } from './store/dir-lock.js';

export interface ChainStatusSummary {
  chainId: string;
  default: boolean;
  genesisHash: string;
  height: number;
  latestBlockTime?: number;
  latestBlockHash?: string;
  validators: number;
  faucet: string | null;
}

export interface NodeStatusSummary {
  home: string;
  initialised: boolean;
  running: boolean;
  pid?: number;
  endpoints?: { rpc: string; ws: string; metrics: string };
  validator?: { address: string; encrypted: boolean; file: string };
  chains: ChainStatusSummary[];
}

/** Reads the node's state from `<home>/node` without taking its lock. */
export function readNodeStatus(home: string): NodeStatusSummary {
  const layout = nodeLayout(home);
  const ids = listChainIds(layout);
  const running = isDirLocked(layout.lock);
  const out: NodeStatusSummary = { home, initialised: ids.length > 0, running, chains: [] };
  const key = readJson(layout.validatorKey) as { address?: string; kind?: string } | undefined;
  if (key?.address !== undefined)
    out.validator = {
      address: key.address,
      encrypted: key.kind !== 'unencrypted',
      file: layout.validatorKey,
    };
  if (running) {
    const rt = readJson(layout.runtime) as
      | { pid?: number; endpoints?: NodeStatusSummary['endpoints'] }
      | undefined;
    if (rt?.pid !== undefined) out.pid = rt.pid;
    if (rt?.endpoints !== undefined) out.endpoints = rt.endpoints;
  }
  ids.forEach((id, i) => {
    const genesis = readJson(layout.genesis(id)) as Genesis;
    const summary: ChainStatusSummary = {
      chainId: id,
      default: i === 0,
      genesisHash: genesisHash(genesis),
      height: 0,
      validators: genesis.validators.length,
      faucet: genesis.faucet?.address ?? null,
    };
    if (fs.existsSync(layout.database(id))) {
      const db = openChainDb(layout.database(id), { readonly: true });
      try {
        const h = db.latestHeight();
        const row = h === 0 ? undefined : db.blockByHeight(h);
        summary.height = h;
        if (row !== undefined) {
          summary.latestBlockTime = row.time;
          summary.latestBlockHash = row.hash;
        }
      } finally {
        db.close();
      }
    }
    out.chains.push(summary);
  });
  return out;
}

function readJson(file: string): unknown {
  try {
    return parseStrictJson(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
