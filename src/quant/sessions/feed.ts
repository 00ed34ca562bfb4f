/**
 * Bar feeds for paper trading: a file (or synthetic series) replayed at a chosen speed, or an HTTP(S)
 * URL polled for new bars. A feed yields closed bars; `warmUp` bars existed before the session began
 * and only feed the strategy's history.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Ohlcv } from '../types.js';
import type { Bar } from './paper.js';

export interface FeedItem {
  bar: Bar;
  warmUp: boolean;
}

export type Feed = (signal: AbortSignal) => AsyncIterable<FeedItem>;

/** Bar i of a columnar series. */
export function barAt(d: Ohlcv, i: number): Bar {
  return {
    time: d.time[i],
    open: d.open[i],
    high: d.high[i],
    low: d.low[i],
    close: d.close[i],
    volume: d.volume[i],
  };
}

/** Resolves after `ms`, or rejects with an AbortError when the signal fires. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal });
}

/**
 * Replays `data` at `barsPerSecond` (0 = as fast as possible), every bar traded.
 * @example for await (const {bar} of replayFeed(data, 10)(signal)) …
 */
export function replayFeed(data: Ohlcv, barsPerSecond: number): Feed {
  return async function* (signal) {
    const gap = barsPerSecond > 0 ? 1000 / barsPerSecond : 0;
    for (let i = 0; i < data.close.length; i++) {
      if (signal.aborted) return;
      if (i > 0 && gap > 0) await sleep(gap, signal);
      yield { bar: barAt(data, i), warmUp: false };
    }
  };
}

/**
 * Polls `load()` every `pollMs`. The newest bar of a response may still be forming, so a bar is
 * yielded only once a later bar exists; the first response's closed bars are warm-up history.
 * Runs until aborted.
 */
export function pollFeed(load: () => Promise<Ohlcv>, pollMs: number): Feed {
  return async function* (signal) {
    let lastTime = Number.NEGATIVE_INFINITY;
    let first = true;
    while (!signal.aborted) {
      const d = await load();
      const closed = d.close.length - 1;
      for (let i = 0; i < closed; i++) {
        if (d.time[i] > lastTime) {
          lastTime = d.time[i];
          yield { bar: barAt(d, i), warmUp: first };
        }
      }
      first = false;
      await sleep(pollMs, signal);
    }
  };
}
