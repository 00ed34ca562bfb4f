/**
 * Wash trading: self-trades, two accounts trading back and forth, and rings of 3–5 accounts passing
 * the same quantity around, each leaving every member's net position near zero.
 *
 * Candidates come from the trade graph: for every pair of accounts (and every self-trading account) the
 * mutual trades are split into episodes at gaps over EPISODE_GAP_MS. An episode with at least
 * MIN_EDGE_TRADES trades where the mutual volume is at least MIN_EDGE_SHARE of both accounts' volume in
 * that time becomes an edge (a market maker trades with everyone, so no single counterparty makes up
 * much of its volume). Candidate groups are each edge alone, each cycle of 3–5 time-overlapping edges
 * (a ring) and each component of time-overlapping edges with 3 to MAX_GROUP accounts (a ring with a
 * missing link). For a group the detector measures, over all trades among the members in the group's
 * window: each member's net position relative to its gross volume, each member's share of its total
 * volume that stayed inside the group (over at least MIN_SHARE_WINDOW_MS), and the number of internal
 * executions (fills of one market order count once). The raw score is
 * minShare × (1 − worstImbalance²) × min(1, (executions − 1) / (FULL_TRADES − 1)), so two trades by
 * chance weigh little and a small residual position costs little. A group in which some member dealt
 * with more than MAX_OUTSIDE_COUNTERPARTIES other accounts in the share window is dropped: that is a
 * market maker and its clients (a pump's buyers and the makers they bought from also net out), not a
 * wash group. The threshold on the raw score is calibrated. Of overlapping
 * groups sharing an account only the highest-scoring one is kept.
 */
import { lowerBound, TRADE } from './events.js';
import { accountVolume, type MarketIndex } from './market-index.js';
import { type Detection, round4 } from './types.js';

export const WASH = {
  EPISODE_GAP_MS: 20 * 60_000,
  MIN_EDGE_TRADES: 2,
  MIN_EDGE_SHARE: 0.2,
  MAX_GROUP: 6,
  FULL_TRADES: 6,
  MIN_SHARE_WINDOW_MS: 60 * 60_000,
  MAX_OUTSIDE_COUNTERPARTIES: 25,
} as const;

/**
 * An account's volume around [start, end], the window widened to at least MIN_SHARE_WINDOW_MS: over a
 * few minutes a market maker's trades with one busy client can be "most of its volume", so shares are
 * measured over a window long enough to see an account's other business.
 */
function volumeAround(ix: MarketIndex, a: number, start: number, end: number): number {
  const pad = Math.max(0, (WASH.MIN_SHARE_WINDOW_MS - (end - start)) / 2);
  return accountVolume(ix, a, start - pad, end + pad);
}

/** Distinct counterparties outside `members` account `a` traded with in the share window. */
function outsideCounterparties(
  ix: MarketIndex,
  a: number,
  members: number[],
  start: number,
  end: number,
): number {
  const t = ix.table;
  const pad = Math.max(0, (WASH.MIN_SHARE_WINDOW_MS - (end - start)) / 2);
  const hi = ix.tradeOff[a + 1];
  const seen = new Set<number>();
  for (let k = lowerBound(ix.tradeTime, start - pad, ix.tradeOff[a], hi); k < hi; k++) {
    if (ix.tradeTime[k] > end + pad) break;
    const i = ix.tradeIdx[k];
    const other = t.account[i] === a ? t.counterparty[i] : t.account[i];
    if (other >= 0 && !members.includes(other)) seen.add(other);
  }
  return seen.size;
}

interface Edge {
  a: number;
  b: number;
  start: number;
  end: number;
}

/** Every wash-trading candidate with its raw score (filter by the calibrated threshold). */
export function washCandidates(ix: MarketIndex): Detection[] {
  const t = ix.table;
  const n = t.length;
  const nAcc = ix.accountCount;
  const pairs = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (t.type[i] !== TRADE) continue;
    const a = t.account[i];
    const c = t.counterparty[i];
    if (c < 0) continue;
    const key = a < c ? a * nAcc + c : c * nAcc + a;
    const list = pairs.get(key);
    if (list === undefined) pairs.set(key, [i]);
    else list.push(i);
  }
  const edges: Edge[] = [];
  for (const [key, list] of pairs) {
    if (list.length < WASH.MIN_EDGE_TRADES) continue;
    const a = Math.floor(key / nAcc);
    const b = key - a * nAcc;
    let s = 0;
    for (let k = 1; k <= list.length; k++) {
      if (k < list.length && t.time[list[k]] - t.time[list[k - 1]] <= WASH.EPISODE_GAP_MS) continue;
      if (k - s >= WASH.MIN_EDGE_TRADES) {
        const start = t.time[list[s]];
        const end = t.time[list[k - 1]];
        let mutual = 0;
        for (let j = s; j < k; j++) mutual += t.qty[list[j]];
        if (a === b) mutual *= 2;
        const shareA = mutual / volumeAround(ix, a, start, end);
        const shareB = a === b ? shareA : mutual / volumeAround(ix, b, start, end);
        if (Math.min(shareA, shareB) >= WASH.MIN_EDGE_SHARE) edges.push({ a, b, start, end });
      }
      s = k;
    }
  }
  const groups = candidateGroups(edges).flatMap((g) => scoreGroup(ix, pairs, g));
  // Keep the most suspicious reading of each set of accounts and time: a ring suppresses the pairs
  // inside it, a pair the components containing it.
  groups.sort((x, y) => y.raw - x.raw || x.startMs - y.startMs);
  const taken = new Map<string, Array<[number, number]>>();
  const out: Detection[] = [];
  for (const g of groups) {
    const clash = g.accounts.some((a) =>
      (taken.get(a) ?? []).some(([s, e]) => g.startMs <= e && g.endMs >= s),
    );
    if (clash) continue;
    out.push(g);
    for (const a of g.accounts) {
      const l = taken.get(a);
      if (l) l.push([g.startMs, g.endMs]);
      else taken.set(a, [[g.startMs, g.endMs]]);
    }
  }
  return out.sort((x, y) => x.startMs - y.startMs);
}

const overlaps = (x: Edge, y: Edge) => x.start <= y.end && y.start <= x.end;

/**
 * Groups worth scoring: every edge on its own (self-trades and pairs), every cycle of 3–5 edges that
 * overlap in time (rings), and every connected component of time-overlapping edges with 3 to MAX_GROUP
 * accounts (rings with a missing link).
 */
function candidateGroups(edges: Edge[]): Edge[][] {
  const out: Edge[][] = edges.map((e) => [e]);
  const byAccount = new Map<number, number[]>();
  edges.forEach((e, i) => {
    if (e.a === e.b) return;
    for (const acc of [e.a, e.b]) {
      const l = byAccount.get(acc);
      if (l) l.push(i);
      else byAccount.set(acc, [i]);
    }
  });
  // Cycles: a DFS from each edge's lower account, visiting only higher accounts, so each ring is
  // found from its lowest member (and twice, once per direction; the duplicate is dropped below).
  const seen = new Set<string>();
  let budget = 200_000;
  const dfs = (root: number, node: number, path: number[], visited: number[]) => {
    for (const ei of byAccount.get(node) ?? []) {
      if (--budget < 0) return;
      const e = edges[ei];
      if (!path.every((p) => overlaps(edges[p], e))) continue;
      const next = e.a === node ? e.b : e.a;
      if (next === root && path.length >= 2 && !path.includes(ei)) {
        const cycle = [...path, ei];
        const key = [...cycle].sort((x, y) => x - y).join(',');
        if (!seen.has(key)) {
          seen.add(key);
          out.push(cycle.map((c) => edges[c]));
        }
        continue;
      }
      if (next <= root || visited.includes(next) || path.length >= 4) continue;
      dfs(root, next, [...path, ei], [...visited, next]);
    }
  };
  for (const [acc, list] of byAccount) {
    for (const ei of list) {
      const e = edges[ei];
      const other = e.a === acc ? e.b : e.a;
      if (other > acc) dfs(acc, other, [ei], [acc, other]);
    }
  }
  // Components of time-overlapping edges.
  const parent = edges.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (const list of byAccount.values()) {
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        if (overlaps(edges[list[x]], edges[list[y]])) parent[find(list[x])] = find(list[y]);
      }
    }
  }
  const comps = new Map<number, Edge[]>();
  edges.forEach((e, i) => {
    if (e.a === e.b) return;
    const r = find(i);
    const c = comps.get(r);
    if (c) c.push(e);
    else comps.set(r, [e]);
  });
  for (const c of comps.values()) {
    const members = new Set(c.flatMap((e) => [e.a, e.b]));
    if (members.size >= 3 && members.size <= WASH.MAX_GROUP && c.length > 1) out.push(c);
  }
  return out;
}

function scoreGroup(ix: MarketIndex, pairs: Map<number, number[]>, group: Edge[]): Detection[] {
  const t = ix.table;
  const nAcc = ix.accountCount;
  const members = [...new Set(group.flatMap((e) => [e.a, e.b]))].sort((x, y) => x - y);
  if (members.length > WASH.MAX_GROUP) return [];
  const start = Math.min(...group.map((e) => e.start));
  const end = Math.max(...group.map((e) => e.end));
  const bought = new Map<number, number>(members.map((m) => [m, 0]));
  const sold = new Map<number, number>(members.map((m) => [m, 0]));
  const trades: number[] = [];
  let lowPrice = Number.POSITIVE_INFINITY;
  let highPrice = 0;
  for (let x = 0; x < members.length; x++) {
    for (let y = x; y < members.length; y++) {
      const list = pairs.get(members[x] * nAcc + members[y]);
      if (!list) continue;
      for (const i of list) {
        const ti = t.time[i];
        if (ti < start || ti > end) continue;
        trades.push(i);
        lowPrice = Math.min(lowPrice, t.price[i]);
        highPrice = Math.max(highPrice, t.price[i]);
        const buyer = t.side[i] > 0 ? t.account[i] : t.counterparty[i];
        const seller = t.side[i] > 0 ? t.counterparty[i] : t.account[i];
        bought.set(buyer, bought.get(buyer)! + t.qty[i]);
        sold.set(seller, sold.get(seller)! + t.qty[i]);
      }
    }
  }
  let worstImbalance = 0;
  let minShare = 1;
  let internalVolume = 0;
  for (const m of members) {
    const gross = bought.get(m)! + sold.get(m)!;
    internalVolume += gross;
    if (gross === 0) return [];
    worstImbalance = Math.max(worstImbalance, Math.abs(bought.get(m)! - sold.get(m)!) / gross);
    minShare = Math.min(minShare, gross / volumeAround(ix, m, start, end));
  }
  trades.sort((x, y) => x - y);
  // One market order sweeping several resting orders is one decision: count executions, not fills.
  const executions = new Set(trades.map((i) => `${t.time[i]}:${t.account[i]}`)).size;
  // A market maker trades with everyone: a group with a member that dealt with more than
  // MAX_OUTSIDE_COUNTERPARTIES other accounts around the episode is a market maker and its clients
  // (during a pump, say), not a wash group.
  const outside = Math.max(...members.map((m) => outsideCounterparties(ix, m, members, start, end)));
  if (outside > WASH.MAX_OUTSIDE_COUNTERPARTIES) return [];
  const balance = 1 - worstImbalance * worstImbalance;
  const range = highPrice / lowPrice - 1;
  const raw = minShare * balance * Math.min(1, (executions - 1) / (WASH.FULL_TRADES - 1));
  const eventIds: string[] = [];
  for (const i of trades) {
    const r = t.orderRef[i];
    if (r >= 0) eventIds.push(t.id(r));
    eventIds.push(t.id(i));
  }
  const variant = members.length === 1 ? 'self-trade' : members.length === 2 ? 'pair' : 'ring';
  return [
    {
      type: 'wash_trading',
      accounts: members.map((m) => t.accounts[m]),
      startMs: start,
      endMs: end,
      eventIds: [...new Set(eventIds)],
      evidence: {
        variant,
        members: members.length,
        trades: trades.length,
        executions,
        internalVolume: internalVolume / 2,
        worstNetImbalance: round4(worstImbalance),
        minInternalShare: round4(minShare),
        priceRange: round4(range),
        outsideCounterparties: outside,
      },
      raw,
      detectedAtMs: end,
    },
  ];
}
