// Shared helpers for benchmarks: medians and the one-line "ours beside the peer's" report.

/** The median of a non-empty list of numbers. */
export function median(values: number[]): number {
  if (values.length === 0) throw new Error("median of nothing");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One measured figure; `peer` is null when the peer could not be run (named in `note`). */
export interface BenchFigure {
  name: string;
  unit: string;
  ours: number;
  peer: number | null;
  peerName: string;
  /** true when a larger number is better (throughput), false for times/latencies. */
  higherIsBetter: boolean;
  note?: string;
}

/** Formats a figure as `name: pcscope X unit | peer Y unit | ratio R` (ratio = ours/peer). */
export function formatFigure(f: BenchFigure): string {
  const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(3));
  const peer = f.peer === null ? `${f.peerName} n/a` : `${f.peerName} ${fmt(f.peer)} ${f.unit}`;
  const ratio = f.peer === null || f.peer === 0 ? "" : ` | ratio ${(f.ours / f.peer).toFixed(2)}`;
  const note = f.note ? ` (${f.note})` : "";
  return `${f.name}: pcscope ${fmt(f.ours)} ${f.unit} | ${peer}${ratio}${note}`;
}

/** Prints a figure to stdout. */
export function report(f: BenchFigure): void {
  process.stdout.write(`${formatFigure(f)}\n`);
}
