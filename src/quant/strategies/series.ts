/**
 * Small causal series the strategies and ML features need beyond the standard indicators: rates of
 * change, rolling σ of returns, and rolling extremes of the previous bars (Donchian channels). Each is
 * O(bars) and NaN until it has enough history.
 */

/** close[t] / close[t − n] − 1, NaN for the first n bars. */
export function rateOfChange(close: Float64Array, n: number): Float64Array {
  const out = new Float64Array(close.length).fill(Number.NaN);
  for (let t = n; t < close.length; t++) out[t] = close[t] / close[t - n] - 1;
  return out;
}

/**
 * Sample σ of the one-bar returns over the last n returns (bars t−n+1..t), NaN until n returns exist.
 * Running sums of the window, as a rolling variance must be O(bars).
 */
export function rollingReturnSd(close: Float64Array, n: number): Float64Array {
  const len = close.length;
  const out = new Float64Array(len).fill(Number.NaN);
  if (n < 2) return out;
  const r = new Float64Array(len);
  for (let t = 1; t < len; t++) r[t] = close[t] / close[t - 1] - 1;
  let s = 0;
  let s2 = 0;
  for (let t = 1; t < len; t++) {
    s += r[t];
    s2 += r[t] * r[t];
    if (t > n) {
      s -= r[t - n];
      s2 -= r[t - n] * r[t - n];
    }
    if (t >= n) {
      const v = (s2 - (s * s) / n) / (n - 1);
      out[t] = v > 0 ? Math.sqrt(v) : 0;
    }
  }
  return out;
}

/*
 * Rolling extremes over the previous `n` bars (the current bar excluded), for Donchian-style breakouts:
 * out[t] = max(values[t−n .. t−1]). Van Herk / Gil–Werman: within blocks of n bars, a running maximum
 * from each block's start (prefix) and from its end (suffix); a window spans at most two blocks, so its
 * maximum is max(suffix[first], prefix[last]). Three sequential passes whatever n is, and the running
 * maxima rarely change, so the branches predict well — a monotonic deque branches on every bar.
 */
function rollingExtreme(values: Float64Array, n: number, wantMax: boolean): Float64Array {
  const len = values.length;
  const out = new Float64Array(len).fill(Number.NaN);
  if (n < 1 || len <= n) return out;
  // Minima are maxima of the negated values: one code path, one multiplication per read.
  const sign = wantMax ? 1 : -1;
  const suffix = new Float64Array(len);
  for (let b = 0; b < len; b += n) {
    const end = Math.min(b + n, len);
    let m = sign * values[end - 1];
    suffix[end - 1] = m;
    for (let i = end - 2; i >= b; i--) {
      const x = sign * values[i];
      if (x > m) m = x;
      suffix[i] = m;
    }
  }
  // The prefix maximum is kept in a variable and combined as it is formed: out[i + 1] covers
  // bars i + 1 − n … i, i.e. suffix[i + 1 − n] and the prefix up to i.
  for (let b = 0; b < len - 1; b += n) {
    const end = Math.min(b + n, len - 1);
    let m = Number.NEGATIVE_INFINITY;
    for (let i = b; i < end; i++) {
      const x = sign * values[i];
      if (x > m) m = x;
      if (i + 1 >= n) {
        const c = suffix[i + 1 - n];
        out[i + 1] = sign * Math.max(c, m);
      }
    }
  }
  return out;
}

/** @example priorHighest(Float64Array.of(1, 3, 2, 5), 2) // [NaN, NaN, 3, 3] */
export function priorHighest(values: Float64Array, n: number): Float64Array {
  return rollingExtreme(values, n, true);
}

/** @example priorLowest(Float64Array.of(4, 3, 5, 1), 2) // [NaN, NaN, 3, 3] */
export function priorLowest(values: Float64Array, n: number): Float64Array {
  return rollingExtreme(values, n, false);
}
