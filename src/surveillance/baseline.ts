/**
 * The naive threshold rules such systems often ship, implemented verbatim on one-hour windows so the
 * benchmark can score them beside the real detectors:
 *   - wash_trading: one account takes part in more than 80 % of the window's traded volume;
 *   - spoofing: an account cancels more than 90 % of the orders it placed in the window;
 *   - volume_anomaly: the window's volume is more than 3× the mean of the previous 24 windows;
 *   - price_anomaly: the window's price range (high/low − 1) is more than 15 %;
 *   - pump_and_dump: both of the last two in one window.
 * There is no layering rule (such rule sets have none), so the baseline's layering recall is 0.
 * Every firing window is one alert, as the rules would raise them.
 */
import { CANCEL, ORDER, TRADE } from './events.js';
import type { MarketIndex } from './market-index.js';
import type { Detection } from './types.js';

export const BASELINE = {
  WINDOW_MS: 3_600_000,
  VOLUME_SHARE: 0.8,
  CANCEL_RATE: 0.9,
  VOLUME_MULTIPLE: 3,
  VOLUME_HISTORY: 24,
  PRICE_MOVE: 0.15,
  PUMP_ACCOUNTS: 5,
} as const;

interface Window {
  volume: number;
  high: number;
  low: number;
  first: number;
  last: number;
  byAccount: Map<number, number>;
  buyers: Map<number, number>;
  orders: Map<number, number>;
  cancels: Map<number, number>;
}

/** Runs the baseline rules over the data. */
export function baselineDetections(ix: MarketIndex): Detection[] {
  const t = ix.table;
  if (t.length === 0) return [];
  const origin = Math.floor(t.time[0] / BASELINE.WINDOW_MS) * BASELINE.WINDOW_MS;
  const windows: Window[] = [];
  const win = (w: number, i: number): Window => {
    while (windows.length <= w) {
      windows.push({
        volume: 0,
        high: Number.NEGATIVE_INFINITY,
        low: Number.POSITIVE_INFINITY,
        first: i,
        last: i,
        byAccount: new Map(),
        buyers: new Map(),
        orders: new Map(),
        cancels: new Map(),
      });
    }
    windows[w].last = i;
    return windows[w];
  };
  const add = (m: Map<number, number>, k: number, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  for (let i = 0; i < t.length; i++) {
    const w = win(Math.floor((t.time[i] - origin) / BASELINE.WINDOW_MS), i);
    const a = t.account[i];
    if (t.type[i] === ORDER) add(w.orders, a, 1);
    else if (t.type[i] === CANCEL) add(w.cancels, a, 1);
    else if (t.type[i] === TRADE) {
      const q = t.qty[i];
      w.volume += q;
      w.high = Math.max(w.high, t.price[i]);
      w.low = Math.min(w.low, t.price[i]);
      add(w.byAccount, a, q);
      const c = t.counterparty[i];
      if (c >= 0 && c !== a) add(w.byAccount, c, q);
      if (t.side[i] > 0) add(w.buyers, a, q);
    }
  }
  const out: Detection[] = [];
  const ids = (w: Window, accounts: Set<number>) => {
    const list: string[] = [];
    for (let i = w.first; i <= w.last; i++) {
      if (accounts.has(t.account[i]) || (t.type[i] === TRADE && accounts.has(t.counterparty[i]))) {
        list.push(t.id(i));
      }
    }
    return list;
  };
  const alert = (type: Detection['type'], w: Window, k: number, accounts: number[], raw: number) => {
    const start = origin + k * BASELINE.WINDOW_MS;
    out.push({
      type,
      accounts: accounts.map((a) => t.accounts[a]),
      startMs: start,
      endMs: start + BASELINE.WINDOW_MS - 1,
      eventIds: ids(w, new Set(accounts)),
      evidence: { rule: 'baseline', value: raw },
      raw,
      detectedAtMs: start + BASELINE.WINDOW_MS - 1,
    });
  };
  windows.forEach((w, k) => {
    if (w.volume > 0) {
      for (const [a, v] of w.byAccount) {
        if (v / w.volume > BASELINE.VOLUME_SHARE) alert('wash_trading', w, k, [a], v / w.volume);
      }
    }
    for (const [a, placed] of w.orders) {
      const rate = (w.cancels.get(a) ?? 0) / placed;
      if (rate > BASELINE.CANCEL_RATE) alert('spoofing', w, k, [a], rate);
    }
    const history = windows.slice(Math.max(0, k - BASELINE.VOLUME_HISTORY), k);
    const mean = history.reduce((s, h) => s + h.volume, 0) / Math.max(1, history.length);
    const volumeFires = history.length > 0 && mean > 0 && w.volume > BASELINE.VOLUME_MULTIPLE * mean;
    const move = w.volume > 0 ? w.high / w.low - 1 : 0;
    const priceFires = move > BASELINE.PRICE_MOVE;
    const top = [...w.byAccount.entries()].sort((x, y) => y[1] - x[1]).slice(0, BASELINE.PUMP_ACCOUNTS);
    const topBuyers = [...w.buyers.entries()].sort((x, y) => y[1] - x[1]).slice(0, BASELINE.PUMP_ACCOUNTS);
    if (volumeFires)
      alert(
        'volume_anomaly',
        w,
        k,
        top.map(([a]) => a),
        w.volume / mean,
      );
    if (priceFires)
      alert(
        'price_anomaly',
        w,
        k,
        top.map(([a]) => a),
        move,
      );
    if (volumeFires && priceFires)
      alert(
        'pump_and_dump',
        w,
        k,
        topBuyers.map(([a]) => a),
        move,
      );
  });
  return out;
}
