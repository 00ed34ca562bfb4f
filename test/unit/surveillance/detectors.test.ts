import { describe, expect, it } from 'vitest';
import { baselineDetections } from '../../../src/surveillance/baseline.js';
import { DEFAULT_CALIBRATION } from '../../../src/surveillance/default-calibration.js';
import { detectionsAt, marketCandidates } from '../../../src/surveillance/detect.js';
import {
  detectCircularTransfers,
  detectFanOutFunding,
  type Transfer,
} from '../../../src/surveillance/detect-chain.js';
import { tableFromEvents } from '../../../src/surveillance/events.js';
import { buildMarketIndex } from '../../../src/surveillance/market-index.js';
import type { Detection } from '../../../src/surveillance/types.js';
import { EventScript } from './script.js';

function detect(s: EventScript): Detection[] {
  return detectionsAt(marketCandidates(tableFromEvents(s.events)), DEFAULT_CALIBRATION.thresholds);
}
const ofType = (ds: Detection[], type: string) => ds.filter((d) => d.type === type);

describe('wash trading', () => {
  it('finds an account trading with itself, net flat', () => {
    const s = new EventScript().background(30);
    for (let i = 0; i < 8; i++) s.wait(120_000).cross('w1', i % 2 ? 'sell' : 'buy', 'w1', 100, 4);
    s.background(30);
    const [alert] = ofType(detect(s), 'wash_trading');
    expect(alert.accounts).toEqual(['w1']);
    expect(alert.evidence).toMatchObject({ variant: 'self-trade', trades: 8, worstNetImbalance: 0 });
  });

  it('finds two accounts trading back and forth, and a ring of three', () => {
    const s = new EventScript().background(20);
    for (let i = 0; i < 10; i++)
      s.wait(90_000).cross(i % 2 ? 'p1' : 'p2', 'sell', i % 2 ? 'p2' : 'p1', 100, 3);
    s.background(60);
    const ring = ['r1', 'r2', 'r3'];
    for (let i = 0; i < 12; i++) s.wait(60_000).cross(ring[i % 3], 'sell', ring[(i + 1) % 3], 100, 5);
    s.background(30);
    const wash = ofType(detect(s), 'wash_trading');
    expect(wash.map((d) => [...d.accounts].sort().join(','))).toEqual(['p1,p2', 'r1,r2,r3']);
    expect(wash[1].evidence.variant).toBe('ring');
  });

  it('leaves a market maker and its clients alone, and one-way trading between two accounts', () => {
    const s = new EventScript().background(120);
    for (let i = 0; i < 10; i++) s.wait(90_000).cross('q1', 'sell', 'q2', 100, 3);
    expect(ofType(detect(s), 'wash_trading')).toEqual([]);
  });
});

describe('spoofing and layering', () => {
  it('flags a large one-sided order cancelled while the account sells, not the two-sided maker', () => {
    const s = new EventScript().background(60);
    for (let k = 0; k < 3; k++) {
      const big = s.order('sp', 'buy', 99.95, 40);
      s.wait(2000).trade('sp', 'sell', 99.95, 2, 'mm1');
      s.wait(8000).cancel('sp', big);
      s.wait(60_000);
    }
    s.background(30);
    const ds = detect(s);
    const [spoof] = ofType(ds, 'spoofing');
    expect(spoof.accounts).toEqual(['sp']);
    expect(spoof.evidence).toMatchObject({ cycles: 3, side: 'buy', largestOrderQty: 40, oneSided: 1 });
    expect(ofType(ds, 'layering')).toEqual([]);
    expect(
      ds.some((d) => d.accounts.includes('mm1') && (d.type === 'spoofing' || d.type === 'layering')),
    ).toBe(false);
  });

  it('calls orders resting together at three successive levels layering', () => {
    const s = new EventScript().background(60);
    for (let k = 0; k < 2; k++) {
      const ids = [0, 1, 2, 3].map((lvl) => s.wait(300).order('ly', 'sell', 100.05 + lvl * 0.01, 12));
      s.wait(1500).trade('ly', 'buy', 100.05, 2, 'mm1');
      s.wait(5000);
      for (const id of ids) s.cancel('ly', id);
      s.wait(90_000);
    }
    s.background(20);
    const [layer] = ofType(detect(s), 'layering');
    expect(layer.accounts).toEqual(['ly']);
    expect(layer.evidence).toMatchObject({ levels: 4, cycleQty: 48, side: 'sell' });
  });
});

describe('the naive baseline', () => {
  it('calls a market maker cancelling most quotes spoofing, and one dominant account wash trading', () => {
    const s = new EventScript().background(90, 30, 12);
    const base = baselineDetections(buildMarketIndex(tableFromEvents(s.events)));
    expect(base.some((d) => d.type === 'spoofing' && d.accounts[0] === 'mm1')).toBe(true);
    expect(base.some((d) => d.type === 'wash_trading' && d.accounts[0] === 'mm1')).toBe(true);
  });
});

describe('on-chain detectors', () => {
  const T0 = Date.UTC(2024, 0, 1);
  let n = 0;
  const tx = (from: string, to: string, amount: bigint, minute: number): Transfer => ({
    hash: `h${n++}`,
    height: minute + 1,
    time: T0 + minute * 60_000,
    from,
    to,
    amount,
  });

  it('finds value going around a cycle within the hour, amounts within 10 %', () => {
    const ts = [
      tx('a', 'b', 1_000_000n, 0),
      tx('x', 'y', 5n, 1),
      tx('b', 'c', 990_000n, 5),
      tx('c', 'a', 980_000n, 9),
    ];
    const [d] = detectCircularTransfers(ts);
    expect(d.accounts).toEqual(['a', 'b', 'c']);
    expect(d.eventIds).toEqual(['h0', 'h2', 'h3']);
    expect(d.raw).toBeCloseTo(0.98, 6);
    expect(detectCircularTransfers([tx('a', 'b', 1_000_000n, 0), tx('b', 'a', 500_000n, 5)])).toEqual([]);
    expect(detectCircularTransfers([tx('a', 'b', 1_000_000n, 0), tx('b', 'a', 1_000_000n, 61)])).toEqual([]);
  });

  it('finds one account funding many never-seen accounts, not payments to known ones', () => {
    const fresh = Array.from({ length: 12 }, (_, i) => tx('funder', `new${i}`, 10n, i * 2));
    const [d] = detectFanOutFunding([tx('old1', 'funder', 1000n, 0), ...fresh]);
    expect(d.accounts[0]).toBe('funder');
    expect(d.evidence).toMatchObject({ freshAccounts: 12, transfersSent: 12 });
    expect(d.raw).toBe(1);
    const known = new Set(fresh.map((t) => t.to));
    expect(detectFanOutFunding(fresh, known)).toEqual([]);
    expect(detectFanOutFunding(fresh.slice(0, 9))).toEqual([]);
  });
});
