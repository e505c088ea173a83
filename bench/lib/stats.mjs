// Summaries of repeated measurements: medians with min–max, percentiles, ratios.

/** The p-th percentile (0..100) of `values`, by linear interpolation between closest ranks. */
export function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export const median = (values) => percentile(values, 50);

/** `{ median, min, max, n }` of the finite values; `undefined` when there are none. */
export function summarize(values) {
  const finite = values.filter((v) => Number.isFinite(v));
  if (!finite.length) return undefined;
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), n: finite.length };
}

/** A number with about three significant digits, thousands separated: `1,234`, `12.3`, `0.456`. */
export function num(value) {
  if (value === undefined || !Number.isFinite(value)) return '–';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `12.3 (11.9–13.0)`: median with min–max; `12.3` alone for a single sample. */
export function range(summary, format = num) {
  if (!summary) return '–';
  if (summary.n === 1 || summary.min === summary.max) return format(summary.median);
  return `${format(summary.median)} (${format(summary.min)}–${format(summary.max)})`;
}

/** `1.23×`. */
export const times = (value) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '–');

/** A ratio summary as `1.23× (1.10–1.31)`. */
export const ratioRange = (summary) => range(summary, times);
