/**
 * Runs a paper-trading session: feeds bars to a PaperTrader and keeps `<home>/trading/<id>/state.json`
 * current (at most every `persistMs`, and always at the end), so `status` and `analytics` in other
 * processes see it. The session ends when the feed does (`completed`), when its signal is aborted —
 * `stop` sends SIGTERM, the command turns that into an abort — (`stopped`), or on an error (`failed`,
 * with the message).
 */
import { isAitbcError } from '../../core/errors.js';
import type { BacktestConfig, Trade } from '../backtest/types.js';
import type { Params } from '../strategies/types.js';
import type { Feed } from './feed.js';
import type { PaperTrader } from './paper.js';
import type { SecureFiles, TradingPaths } from './store.js';

export type SessionStatus = 'running' | 'completed' | 'stopped' | 'failed';

/** `session.json`: what was started, written once. */
export interface SessionConfigFile {
  version: 1;
  id: string;
  createdAt: string;
  strategy: { name: string; source: string; params: Params };
  feed: { kind: 'replay' | 'poll'; source: string; barsPerSecond?: number; pollSeconds?: number };
  config: BacktestConfig;
  window: number;
  detached: boolean;
}

/** `state.json`: the latest state, rewritten as the session runs. */
export interface SessionState {
  version: 1;
  id: string;
  status: SessionStatus;
  pid: number;
  startedAt: string;
  updatedAt: string;
  endedAt?: string;
  error?: { code: string; message: string };
  /** Bars seen including warm-up history, and bars traded. */
  bars: number;
  tradedBars: number;
  barsInMarket: number;
  lastBarTime?: string;
  lastClose?: number;
  position: -1 | 0 | 1;
  /** Target decided on the last close, filled at the next bar's open. */
  pendingTarget: -1 | 0 | 1;
  cash: number;
  units: number;
  equity: number;
  feesPaid: number;
  slippageCost: number;
  /** Indicator values behind the last decision. */
  indicators: Record<string, number | null>;
  trades: Trade[];
  /**
   * The equity curve at every `curve.stride`-th traded bar (stride doubles when the curve would exceed
   * MAX_CURVE_POINTS, so long sessions stay small), times in unix ms.
   */
  curve: { stride: number; time: number[]; equity: number[]; close: number[] };
}

export const MAX_CURVE_POINTS = 20_000;

export interface RunSessionOptions {
  paths: TradingPaths;
  files: SecureFiles;
  session: SessionConfigFile;
  trader: PaperTrader;
  feed: Feed;
  signal: AbortSignal;
  pid: number;
  now: () => number;
  /** Least time between state writes (0 = every bar). */
  persistMs: number;
  /** Called after every traded bar (progress for a foreground session). */
  onBar?: (state: SessionState, newTrades: Trade[]) => void;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function isAbort(e: unknown): boolean {
  const x = e as { name?: string; code?: string };
  return x?.name === 'AbortError' || x?.code === 'ABORT_ERR';
}

/** Writes the session's state file. */
export function writeState(files: SecureFiles, paths: TradingPaths, state: SessionState): void {
  files.write(paths.session(state.id).state, `${JSON.stringify(state)}\n`);
}

/**
 * Runs the session to its end and returns the final state.
 * @throws whatever the feed or strategy throws, after recording `failed` with its message.
 */
export async function runSession(o: RunSessionOptions): Promise<SessionState> {
  const { trader } = o;
  const acct = trader.account;
  const state: SessionState = {
    version: 1,
    id: o.session.id,
    status: 'running',
    pid: o.pid,
    startedAt: iso(o.now()),
    updatedAt: iso(o.now()),
    bars: 0,
    tradedBars: 0,
    barsInMarket: 0,
    position: 0,
    pendingTarget: 0,
    cash: acct.cash,
    units: 0,
    equity: acct.cash,
    feesPaid: 0,
    slippageCost: 0,
    indicators: {},
    trades: [],
    curve: { stride: 1, time: [], equity: [], close: [] },
  };
  const sync = () => {
    state.updatedAt = iso(o.now());
    state.bars = trader.bars;
    state.tradedBars = trader.tradedBars;
    state.barsInMarket = trader.barsInMarket;
    state.position = acct.dir;
    state.pendingTarget = trader.pendingTarget;
    state.cash = acct.cash;
    state.units = acct.units;
    state.feesPaid = acct.feesPaid;
    state.slippageCost = acct.slippageCost;
    state.trades = trader.trades.toArray();
    state.indicators = Object.fromEntries(
      Object.entries(trader.lastIndicators).map(([k, v]) => [k, Number.isFinite(v) ? v : null]),
    );
  };
  const persist = () => {
    sync();
    writeState(o.files, o.paths, state);
  };
  persist();
  let lastWrite = o.now();
  const curve = state.curve;
  try {
    for await (const { bar, warmUp } of o.feed(o.signal)) {
      if (warmUp) {
        trader.warmUp(bar);
        continue;
      }
      const r = trader.onBar(bar);
      state.equity = r.equity;
      state.lastClose = bar.close;
      state.lastBarTime = iso(bar.time);
      if ((trader.tradedBars - 1) % curve.stride === 0) {
        curve.time.push(bar.time);
        curve.equity.push(r.equity);
        curve.close.push(bar.close);
        if (curve.time.length > MAX_CURVE_POINTS) {
          const keep = (a: number[]) => a.filter((_, i) => i % 2 === 0);
          curve.time = keep(curve.time);
          curve.equity = keep(curve.equity);
          curve.close = keep(curve.close);
          curve.stride *= 2;
        }
      }
      if (o.onBar) {
        sync();
        o.onBar(state, r.trades);
      }
      if (o.now() - lastWrite >= o.persistMs) {
        persist();
        lastWrite = o.now();
      }
      if (o.signal.aborted) break;
    }
    state.status = o.signal.aborted ? 'stopped' : 'completed';
  } catch (e) {
    if (isAbort(e) || o.signal.aborted) state.status = 'stopped';
    else {
      state.status = 'failed';
      state.error = {
        code: isAitbcError(e) ? e.code : 'INTERNAL',
        message: (e as Error)?.message ?? String(e),
      };
      state.endedAt = iso(o.now());
      persist();
      throw e;
    }
  }
  state.endedAt = iso(o.now());
  persist();
  return state;
}
