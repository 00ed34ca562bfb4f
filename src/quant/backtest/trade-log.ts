/**
 * The trades of a run, stored column by column in growable typed arrays. A million-bar backtest can
 * close tens of thousands of trades; as objects they would cost a dozen heap allocations each and
 * dominate the run with garbage collection. `toArray` builds the `Trade` objects when output needs them.
 */
import type { Side, Trade } from './types.js';

const REASONS: ReadonlyArray<Trade['exitReason']> = ['signal', 'end'];

export class TradeLog {
  length = 0;
  private cap: number;
  private side: Int8Array;
  private reason: Uint8Array;
  private cols: Float64Array[];

  /** `capacity`: trades to make room for up front (the log grows past it when needed). */
  constructor(capacity = 64) {
    this.cap = Math.max(1, Math.floor(capacity));
    this.side = new Int8Array(this.cap);
    this.reason = new Uint8Array(this.cap);
    // entryBar, entryTime, entryPrice, exitBar, exitTime, exitPrice, units, entryValue, fees, pnl, returnPct
    this.cols = Array.from({ length: 11 }, () => new Float64Array(this.cap));
  }

  private grow(): void {
    this.cap *= 2;
    const side = new Int8Array(this.cap);
    side.set(this.side);
    this.side = side;
    const reason = new Uint8Array(this.cap);
    reason.set(this.reason);
    this.reason = reason;
    this.cols = this.cols.map((c) => {
      const x = new Float64Array(this.cap);
      x.set(c);
      return x;
    });
  }

  /** Appends one closed trade. */
  push(
    side: 1 | -1,
    entryBar: number,
    entryTime: number,
    entryPrice: number,
    exitBar: number,
    exitTime: number,
    exitPrice: number,
    units: number,
    entryValue: number,
    fees: number,
    pnl: number,
    returnPct: number,
    reason: Trade['exitReason'],
  ): void {
    if (this.length === this.cap) this.grow();
    const i = this.length++;
    const c = this.cols;
    this.side[i] = side;
    this.reason[i] = reason === 'end' ? 1 : 0;
    c[0][i] = entryBar;
    c[1][i] = entryTime;
    c[2][i] = entryPrice;
    c[3][i] = exitBar;
    c[4][i] = exitTime;
    c[5][i] = exitPrice;
    c[6][i] = units;
    c[7][i] = entryValue;
    c[8][i] = fees;
    c[9][i] = pnl;
    c[10][i] = returnPct;
  }

  /** Appends every trade of `other`. */
  append(other: TradeLog): void {
    for (let i = 0; i < other.length; i++) {
      const t = other.get(i);
      this.push(
        t.side === 'long' ? 1 : -1,
        t.entryBar,
        t.entryTime,
        t.entryPrice,
        t.exitBar,
        t.exitTime,
        t.exitPrice,
        t.units,
        t.entryValue,
        t.fees,
        t.pnl,
        t.returnPct,
        t.exitReason,
      );
    }
  }

  /** Profit of each trade after fees, as a view (valid until the next push). */
  get pnl(): Float64Array {
    return this.cols[9].subarray(0, this.length);
  }

  /** Return of each trade on its committed capital, as a view (valid until the next push). */
  get returnPct(): Float64Array {
    return this.cols[10].subarray(0, this.length);
  }

  /** Trade i as an object. */
  get(i: number): Trade {
    const c = this.cols;
    const side: Side = this.side[i] === 1 ? 'long' : 'short';
    return {
      side,
      entryBar: c[0][i],
      entryTime: c[1][i],
      entryPrice: c[2][i],
      exitBar: c[3][i],
      exitTime: c[4][i],
      exitPrice: c[5][i],
      units: c[6][i],
      entryValue: c[7][i],
      fees: c[8][i],
      pnl: c[9][i],
      returnPct: c[10][i],
      barsHeld: c[3][i] - c[0][i],
      exitReason: REASONS[this.reason[i]],
    };
  }

  /** Trades [from, length) as objects. */
  toArray(from = 0): Trade[] {
    const out: Trade[] = [];
    for (let i = from; i < this.length; i++) out.push(this.get(i));
    return out;
  }
}
