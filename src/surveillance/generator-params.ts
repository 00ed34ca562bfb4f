/**
 * The generator's parameters, in one place so docs/surveillance.md can state them and tests can read
 * them. Ranges are [min, max] drawn uniformly per instance. "Median order size" below means the
 * generator's reference order size REF_QTY (close to the median order size of generated data; the
 * benchmark prints the measured median).
 */

export type Range = readonly [number, number];
export type Difficulty = 'easy' | 'medium' | 'hard';
export const DIFFICULTIES: readonly Difficulty[] = ['easy', 'medium', 'hard'];

/** Reference order size in units (the quote size of a typical market maker). */
export const REF_QTY = 5;
/** Price tick (prices are whole ticks; a price is ticks / TICKS_PER_UNIT, exact in decimal). */
export const TICK = 0.01;
export const TICKS_PER_UNIT = 100;

/** The benign market, the same at every difficulty. */
export const MARKET = {
  /** one simulated day */
  durationMs: 86_400_000,
  honestAccounts: [350, 450] as Range,
  /** actions per account per day: lognormal with this median and log-sd (heavy-tailed activity) */
  honestActionsMedian: 15,
  honestActionsLogSd: 1,
  /** share of honest actions that are market orders (the rest are limit orders) */
  honestMarketShare: 0.55,
  /** honest order size: ceil(lognormal(median, log-sd)); a whale order is WHALE_SHARE of orders × [8, 30] */
  honestQtyMedian: 2,
  honestQtyLogSd: 0.8,
  whaleShare: 0.01,
  whaleMultiple: [8, 30] as Range,
  /** honest limit orders: distance from fair value ~ exponential(mean), cancelled with this probability */
  honestLimitDistanceMean: 0.004,
  honestCancelProb: 0.35,
  honestCancelAfterMeanMs: 900_000,
  /** momentum: P(buy) = 0.5 + clamp(beta × 15-min log return, ±maxBias) */
  momentumBeta: 3,
  momentumMaxBias: 0.25,
  marketMakers: [4, 6] as Range,
  /** market makers active at night (00:00–06:00 UTC); the rest withdraw */
  nightMarketMakers: [1, 2] as Range,
  mmHalfSpreadBps: [5, 15] as Range,
  mmQtyMedian: [2, 6] as Range,
  mmQtyLogSd: 0.3,
  /** quote levels per side (ladders of 1–3 levels, sizes 1×, 1.5×, 2×) */
  mmLevels: [1, 3] as Range,
  mmRequoteMeanMs: 30_000,
  arbitrageurs: [6, 10] as Range,
  /** round trips per arbitrageur per hour (at full activity) */
  arbRoundTripsPerHour: [2, 8] as Range,
  arbQtyMedian: 4,
  /** seconds between the two legs of a round trip */
  arbLegGapS: [0.5, 20] as Range,
  /** fair value: GBM with this daily volatility, plus order-flow impact decaying with tau */
  dailyVol: [0.015, 0.035] as Range,
  impactPerUnit: 1.5e-4,
  impactTauMs: 1_800_000,
  startPrice: [40, 250] as Range,
  /** news jumps per day (Poisson), |jump| lognormal(median, log-sd) clipped to [min, max] */
  newsPerDay: 0.8,
  newsJumpMedian: 0.06,
  newsJumpLogSd: 0.5,
  newsJumpClip: [0.02, 0.25] as Range,
  /** informed flow after news: minutes, market orders per minute, share in the jump's direction */
  newsFlowMinutes: [10, 30] as Range,
  newsFlowPerMinute: [2, 6] as Range,
  newsFlowDirectional: 0.8,
} as const;

export interface ManipulationParams {
  /** instances injected per simulated day */
  perDay: { wash_trading: number; spoofing: number; layering: number; pump_and_dump: number };
  wash: {
    /** wash trades per instance */
    trades: Range;
    durationMin: Range;
    /** extra honest-looking volume each member trades during the episode, as a share of its wash volume */
    dilution: Range;
    /** net position left at the end, as a share of one member's gross wash volume */
    residual: Range;
    qtyMedian: number;
    /** ring size for the ring variant (variants: self-trade, pair, ring; equally likely) */
    ringSize: Range;
  };
  spoofing: {
    cycles: Range;
    /** spoof order size / REF_QTY */
    sizeRatio: Range;
    /** seconds until the spoof order is cancelled */
    lifetimeS: Range;
    /** ticks behind the best price on its side */
    ticksBehind: Range;
    /** share of instances that keep a small genuine order resting on the other side */
    genuineOrderShare: number;
    /** seconds between cycles */
    cycleGapS: Range;
  };
  layering: {
    cycles: Range;
    levels: Range;
    /** per-level size / REF_QTY */
    sizeRatio: Range;
    lifetimeS: Range;
    ticksBehind: Range;
    genuineOrderShare: number;
    cycleGapS: Range;
  };
  pump: {
    accounts: Range;
    /** target rise of the fair value */
    rise: Range;
    pumpMin: Range;
    holdMin: Range;
    dumpMin: Range;
    /** pumpers' market buy size median */
    qtyMedian: number;
  };
}

export const DIFFICULTY_PARAMS: Record<Difficulty, ManipulationParams> = {
  easy: {
    perDay: { wash_trading: 3, spoofing: 2, layering: 2, pump_and_dump: 1 },
    wash: {
      trades: [24, 40],
      durationMin: [10, 25],
      dilution: [0, 0],
      residual: [0, 0],
      qtyMedian: 4,
      ringSize: [3, 5],
    },
    spoofing: {
      cycles: [4, 6],
      sizeRatio: [12, 25],
      lifetimeS: [3, 10],
      ticksBehind: [0, 0],
      genuineOrderShare: 0,
      cycleGapS: [30, 120],
    },
    layering: {
      cycles: [4, 6],
      levels: [4, 5],
      sizeRatio: [6, 12],
      lifetimeS: [3, 10],
      ticksBehind: [0, 0],
      genuineOrderShare: 0,
      cycleGapS: [30, 120],
    },
    pump: {
      accounts: [8, 12],
      rise: [0.12, 0.2],
      pumpMin: [3, 6],
      holdMin: [1, 3],
      dumpMin: [5, 10],
      qtyMedian: 5,
    },
  },
  medium: {
    perDay: { wash_trading: 3, spoofing: 2, layering: 2, pump_and_dump: 1 },
    wash: {
      trades: [12, 24],
      durationMin: [15, 40],
      dilution: [0, 0.25],
      residual: [0, 0.1],
      qtyMedian: 3,
      ringSize: [3, 5],
    },
    spoofing: {
      cycles: [3, 5],
      sizeRatio: [6, 12],
      lifetimeS: [5, 30],
      ticksBehind: [0, 1],
      genuineOrderShare: 0.5,
      cycleGapS: [30, 180],
    },
    layering: {
      cycles: [3, 5],
      levels: [3, 5],
      sizeRatio: [3, 6],
      lifetimeS: [5, 30],
      ticksBehind: [0, 1],
      genuineOrderShare: 0.5,
      cycleGapS: [30, 180],
    },
    pump: {
      accounts: [5, 8],
      rise: [0.06, 0.12],
      pumpMin: [4, 10],
      holdMin: [1, 5],
      dumpMin: [5, 15],
      qtyMedian: 4,
    },
  },
  hard: {
    perDay: { wash_trading: 3, spoofing: 2, layering: 2, pump_and_dump: 1 },
    wash: {
      trades: [6, 12],
      durationMin: [20, 60],
      dilution: [0.3, 0.6],
      residual: [0, 0.25],
      qtyMedian: 2,
      ringSize: [3, 5],
    },
    spoofing: {
      cycles: [2, 3],
      sizeRatio: [3, 6],
      lifetimeS: [10, 60],
      ticksBehind: [0, 2],
      genuineOrderShare: 1,
      cycleGapS: [60, 240],
    },
    layering: {
      cycles: [2, 3],
      levels: [3, 4],
      sizeRatio: [2, 3.5],
      lifetimeS: [10, 60],
      ticksBehind: [0, 2],
      genuineOrderShare: 1,
      cycleGapS: [60, 240],
    },
    pump: {
      accounts: [3, 5],
      rise: [0.03, 0.06],
      pumpMin: [8, 20],
      holdMin: [2, 8],
      dumpMin: [10, 30],
      qtyMedian: 3,
    },
  },
};
