/**
 * Pump and dump: a burst of market buys lifts the price, the buyers sell into the move, the price gives
 * the rise back. News also lifts the price on a burst of buying, but the move stays and the buyers are
 * many unrelated accounts; the reversal and the same accounts on both legs tell the two apart.
 *
 * On one-minute bars of trade prices: a rise is a bar whose close is at least MIN_RISE above the
 * lowest close of the previous LOOKBACK_MIN minutes; consecutive rising bars form one episode, whose
 * peak is its highest close. The episode needs a reversal: within REVERSAL_MIN after the peak the close
 * falls back by REVERSAL_SHARE of the rise. The suspects are accounts whose aggressive buying in the
 * up-leg (trough to peak) is at least MIN_BUYER_SHARE of all aggressive buying there and who sold at
 * least half of that in the down-leg (peak to reversal); at least MIN_SUSPECTS of them. Raw score: the
 * suspects' share of the up-leg's aggressive buying (calibrated threshold).
 */

import { TRADE } from './events.js';
import { type MarketIndex, type TradeBars, tradeBars } from './market-index.js';
import { type Detection, round4 } from './types.js';

export const PUMP = {
  BAR_MS: 60_000,
  LOOKBACK_MIN: 30,
  MIN_RISE: 0.025,
  REVERSAL_MIN: 60,
  REVERSAL_SHARE: 0.5,
  DUMP_MIN: 45,
  START_SHARE: 0.1,
  END_SHARE: 0.9,
  DEDUPE_GAP_MS: 30 * 60_000,
  MIN_BUYER_SHARE: 0.03,
  MIN_SUSPECTS: 2,
  MAX_EVENT_IDS: 2000,
} as const;

/** Every pump-and-dump candidate with its raw score. */
export function pumpCandidates(ix: MarketIndex): Detection[] {
  const bars = tradeBars(ix, PUMP.BAR_MS);
  if (!bars) return [];
  const { close } = bars;
  const nb = close.length;
  const out: Detection[] = [];
  let b = 0;
  while (b < nb) {
    const trough = argMin(close, Math.max(0, b - PUMP.LOOKBACK_MIN), b);
    if (!(close[b] >= close[trough] * (1 + PUMP.MIN_RISE))) {
      b++;
      continue;
    }
    // A rising episode: extend while bars stay risen, keep the highest close.
    let peak = b;
    let e = b;
    while (e + 1 < nb) {
      const tr = argMin(close, Math.max(0, e + 1 - PUMP.LOOKBACK_MIN), e + 1);
      if (!(close[e + 1] >= close[tr] * (1 + PUMP.MIN_RISE))) break;
      e++;
      if (close[e] > close[peak]) peak = e;
    }
    const low = argMin(close, Math.max(0, peak - PUMP.LOOKBACK_MIN), peak);
    const rise = close[peak] - close[low];
    const floor = close[peak] - PUMP.REVERSAL_SHARE * rise;
    let rev = -1;
    for (let r = peak + 1; r < Math.min(nb, peak + 1 + PUMP.REVERSAL_MIN); r++) {
      if (close[r] <= floor) {
        rev = r;
        break;
      }
    }
    if (rev >= 0) {
      const d = suspects(ix, bars, low, peak, rev, rise / close[low]);
      if (d) out.push(d);
      b = rev + 1;
    } else b = e + 1;
  }
  return dedupe(out);
}

/**
 * A bounce after a dump can look like a second pump by the same accounts; of candidates within
 * DEDUPE_GAP_MS of each other sharing at least half of their suspects, the higher-scoring one stays.
 */
function dedupe(cands: Detection[]): Detection[] {
  const sorted = [...cands].sort((x, y) => y.raw - x.raw);
  const kept: Detection[] = [];
  for (const c of sorted) {
    const dup = kept.some((k) => {
      if (c.startMs > k.endMs + PUMP.DEDUPE_GAP_MS || k.startMs > c.endMs + PUMP.DEDUPE_GAP_MS) return false;
      const shared = c.accounts.filter((a) => k.accounts.includes(a)).length;
      return shared >= Math.min(c.accounts.length, k.accounts.length) / 2;
    });
    if (!dup) kept.push(c);
  }
  return kept.sort((x, y) => x.startMs - y.startMs);
}

function argMin(a: Float64Array, lo: number, hi: number): number {
  let m = lo;
  for (let i = lo + 1; i <= hi; i++) if (a[i] < a[m]) m = i;
  return m;
}

function tradeRange(bars: TradeBars, fromBar: number, toBar: number): [number, number] {
  let lo = -1;
  let hi = -1;
  for (let b = fromBar; b <= toBar; b++) {
    if (bars.first[b] < 0) continue;
    if (lo < 0) lo = bars.first[b];
    hi = bars.last[b];
  }
  return [lo, hi];
}

function suspects(
  ix: MarketIndex,
  bars: TradeBars,
  low: number,
  peak: number,
  rev: number,
  risePct: number,
): Detection | undefined {
  const t = ix.table;
  const [upLo, upHi] = tradeRange(bars, low + 1, peak);
  const [downLo, downHi] = tradeRange(bars, peak + 1, Math.min(bars.close.length - 1, peak + PUMP.DUMP_MIN));
  if (upLo < 0 || downLo < 0) return undefined;
  const upBuy = new Map<number, number>();
  let totalBuy = 0;
  for (let i = upLo; i < upHi; i++) {
    if (t.type[i] !== TRADE || t.side[i] <= 0) continue;
    upBuy.set(t.account[i], (upBuy.get(t.account[i]) ?? 0) + t.qty[i]);
    totalBuy += t.qty[i];
  }
  if (totalBuy === 0) return undefined;
  const downSell = new Map<number, number>();
  for (let i = downLo; i < downHi; i++) {
    if (t.type[i] !== TRADE) continue;
    const seller = t.side[i] < 0 ? t.account[i] : t.counterparty[i];
    if (upBuy.has(seller)) downSell.set(seller, (downSell.get(seller) ?? 0) + t.qty[i]);
  }
  const chosen: number[] = [];
  let chosenBuy = 0;
  for (const [a, q] of upBuy) {
    if (q < PUMP.MIN_BUYER_SHARE * totalBuy) continue;
    if ((downSell.get(a) ?? 0) < 0.5 * q) continue;
    chosen.push(a);
    chosenBuy += q;
  }
  if (chosen.length < PUMP.MIN_SUSPECTS) return undefined;
  const set = new Set(chosen);
  // The window: from when the suspects had done START_SHARE of their up-leg buying to when they had
  // sold back END_SHARE of it (or their last sale in the dump window).
  let bought = 0;
  let firstTime = Number.NaN;
  for (let i = upLo; i < upHi; i++) {
    if (t.type[i] !== TRADE || t.side[i] <= 0 || !set.has(t.account[i])) continue;
    bought += t.qty[i];
    if (bought >= PUMP.START_SHARE * chosenBuy) {
      firstTime = t.time[i];
      break;
    }
  }
  let sold = 0;
  let lastTime = firstTime;
  for (let i = downLo; i < downHi; i++) {
    if (t.type[i] !== TRADE) continue;
    const seller = t.side[i] < 0 ? t.account[i] : t.counterparty[i];
    if (!set.has(seller)) continue;
    sold += t.qty[i];
    lastTime = t.time[i];
    if (sold >= PUMP.END_SHARE * chosenBuy) break;
  }
  const ids: string[] = [];
  for (let i = upLo; i < downHi && ids.length < PUMP.MAX_EVENT_IDS; i++) {
    if (t.type[i] !== TRADE || t.time[i] < firstTime || t.time[i] > lastTime) continue;
    if (set.has(t.account[i]) || set.has(t.counterparty[i])) ids.push(t.id(i));
  }
  const detectedAtMs = Math.max(bars.start + (rev + 1) * PUMP.BAR_MS - 1, lastTime);
  chosen.sort((x, y) => (upBuy.get(y) ?? 0) - (upBuy.get(x) ?? 0));
  return {
    type: 'pump_and_dump',
    accounts: chosen.map((a) => t.accounts[a]),
    startMs: firstTime,
    endMs: lastTime,
    eventIds: ids,
    evidence: {
      rise: round4(risePct),
      reversal: round4(
        (bars.close[peak] - bars.close[rev]) / Math.max(1e-12, bars.close[peak] - bars.close[low]),
      ),
      troughPrice: bars.close[low],
      peakPrice: bars.close[peak],
      reversalPrice: bars.close[rev],
      suspects: chosen.length,
      suspectsBuyShare: round4(chosenBuy / totalBuy),
      upLegBuyVolume: totalBuy,
    },
    raw: chosenBuy / totalBuy,
    detectedAtMs,
  };
}
