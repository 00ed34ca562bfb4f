// A user strategy for `aitbc ai-trading backtest --strategy ./examples/strategies/donchian-volume.js`.
//
// The interface (docs/quant.md, "User strategies"): a default export with `params` (each a numeric
// default with optional min/max/integer and a description), an optional `warmup(params)`, and
// `signals(data, params, lib)` returning one target per bar (+1 long, -1 short, 0 flat), or
// `{ target, indicators }` to show and plot the series behind it. `data` holds Float64Arrays `time`
// (unix ms), `open`, `high`, `low`, `close`, `volume`; `lib` holds the built-in indicators (sma, ema,
// wma, rsi, macd, bbands, atr, stoch, obv, vwap) and helpers (rateOfChange, rollingReturnSd,
// priorHighest, priorLowest). A value at bar t may use bars 0..t only: aitbc re-runs the module on
// shortened data and refuses it if earlier values change.
//
// Rule: go long when the close breaks above the highest high of the previous `period` bars on volume
// at least `volumeFactor` times its `period`-bar average; exit when the close falls below its EMA of
// `exit` bars.

export default {
  name: 'donchian_volume',
  description: 'breakout above the prior high on above-average volume; exit below an EMA',
  params: {
    period: { default: 20, min: 2, integer: true, description: 'breakout and volume-average window (bars)' },
    volumeFactor: { default: 1.5, min: 0, description: 'volume must be this multiple of its average' },
    exit: { default: 10, min: 1, integer: true, description: 'EMA period of the exit line' },
  },
  warmup: (p) => Math.max(p.period, p.exit),
  signals(data, p, lib) {
    const high = lib.priorHighest(data.high, p.period);
    const avgVolume = lib.sma(data.volume, p.period);
    const exitLine = lib.ema(data.close, p.exit);
    const target = new Int8Array(data.close.length);
    let position = 0;
    for (let t = 0; t < data.close.length; t++) {
      const c = data.close[t];
      if (position === 1 && c < exitLine[t]) position = 0;
      if (position === 0 && c > high[t] && data.volume[t] >= p.volumeFactor * avgVolume[t]) position = 1;
      target[t] = position;
    }
    return { target, indicators: { [`donchian_high:${p.period}`]: high, [`ema:${p.exit}`]: exitLine } };
  },
};
