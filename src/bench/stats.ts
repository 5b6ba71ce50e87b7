// Small statistics for the benchmark (unit-tested).
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** a / b rounded to two decimals */
export function ratio(a: number, b: number): number {
  return Math.round((a / b) * 100) / 100;
}
