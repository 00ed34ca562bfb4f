/**
 * Small causal series the strategies and ML features need beyond the standard indicators: rates of
 * change, rolling σ of returns, and rolling extremes of the previous bars (Donchian channels). Each is
 * O(bars) and NaN until it has enough history.
 */

/** close[t] / close[t − n] − 1, NaN for the first n bars. */
export function rateOfChange(close: Float64Array, n: number): Float64Array {
  // Only the warm-up is filled with NaN: every later entry is written by the loop.
  const out = new Float64Array(close.length).fill(Number.NaN, 0, Math.min(Math.max(n, 0), close.length));
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
 * out[t] = max(values[t−n .. t−1]). Two algorithms give the same values:
 *
 * - Rescan (short windows): keep the window's maximum and where it is; a new bar that reaches it takes
 *   over, and only when the maximum leaves the window is the window scanned again. On prices the
 *   maximum is replaced or expires on a minority of bars, so this is one pass whose branches mostly
 *   predict; its worst case (a monotone fall, a rescan on every bar) is O(bars·n), which is why it is
 *   kept to windows of at most RESCAN_MAX_WINDOW bars. It selects with >= (<= for minima), so it is
 *   used only on clean series (no NaN, no ±0), where that picks the same values as Math.max/min.
 * - Van Herk / Gil–Werman (anything else): within blocks of n bars, a running maximum from each block's
 *   start (prefix) and from its end (suffix); a window spans at most two blocks, so its maximum is
 *   max(suffix[first], prefix[last]). Three passes whatever n is.
 */

/** Longest window the rescan algorithm is used for (worst case n comparisons per bar). */
const RESCAN_MAX_WINDOW = 64;

/**
 * True when every value is a non-zero number (no NaN, no ±0): on such a series every way of taking a
 * window's extreme picks the same value, so the fast paths below may be used. Validated prices are.
 */
export function isCleanSeries(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v > 0 || v < 0)) return false;
  }
  return true;
}

function rollingExtreme(values: Float64Array, n: number, wantMax: boolean): Float64Array {
  const len = values.length;
  if (n < 1 || len <= n) return new Float64Array(len).fill(Number.NaN);
  if (Number.isInteger(n) && n <= RESCAN_MAX_WINDOW && isCleanSeries(values)) {
    return wantMax ? rescanMax(values, n) : rescanMin(values, n);
  }
  return vanHerk(values, n, wantMax);
}

/**
 * priorHighest (wantMax) or priorLowest of a series the caller has checked with isCleanSeries, which
 * spares the check when several channels are taken of the same series.
 */
export function cleanPriorExtreme(values: Float64Array, n: number, wantMax: boolean): Float64Array {
  const len = values.length;
  if (n < 1 || len <= n) return new Float64Array(len).fill(Number.NaN);
  if (Number.isInteger(n) && n <= RESCAN_MAX_WINDOW) {
    return wantMax ? rescanMax(values, n) : rescanMin(values, n);
  }
  return vanHerk(values, n, wantMax);
}

/** out[t] = max(values[t−n .. t−1]) by rescanning when the maximum leaves the window (len > n ≥ 1). */
function rescanMax(values: Float64Array, n: number): Float64Array {
  const len = values.length;
  const out = new Float64Array(len).fill(Number.NaN, 0, n);
  // The latest position of the maximum (>=), so it stays in the window as long as possible.
  let at = 0;
  let m = values[0];
  for (let i = 1; i < n; i++) {
    if (values[i] >= m) {
      m = values[i];
      at = i;
    }
  }
  out[n] = m;
  for (let t = n + 1; t < len; t++) {
    const x = values[t - 1];
    if (x >= m) {
      m = x;
      at = t - 1;
    } else if (at < t - n) {
      at = t - n;
      m = values[at];
      for (let i = at + 1; i < t; i++) {
        if (values[i] >= m) {
          m = values[i];
          at = i;
        }
      }
    }
    out[t] = m;
  }
  return out;
}

/** out[t] = min(values[t−n .. t−1]); rescanMax with the comparisons reversed. */
function rescanMin(values: Float64Array, n: number): Float64Array {
  const len = values.length;
  const out = new Float64Array(len).fill(Number.NaN, 0, n);
  let at = 0;
  let m = values[0];
  for (let i = 1; i < n; i++) {
    if (values[i] <= m) {
      m = values[i];
      at = i;
    }
  }
  out[n] = m;
  for (let t = n + 1; t < len; t++) {
    const x = values[t - 1];
    if (x <= m) {
      m = x;
      at = t - 1;
    } else if (at < t - n) {
      at = t - n;
      m = values[at];
      for (let i = at + 1; i < t; i++) {
        if (values[i] <= m) {
          m = values[i];
          at = i;
        }
      }
    }
    out[t] = m;
  }
  return out;
}

/** Van Herk / Gil–Werman prior-window extreme (len > n ≥ 1). */
function vanHerk(values: Float64Array, n: number, wantMax: boolean): Float64Array {
  const len = values.length;
  const out = new Float64Array(len).fill(Number.NaN);
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
