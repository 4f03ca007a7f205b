// The code pane's rows: symbol labels on their own line, `=>` on the current instruction, `B`/`b` for
// an enabled/disabled breakpoint, the cursor line, trimmed so the cursor stays visible.
import type { Breakpoint } from "./breakpoints.ts";
import type { DisasmLine } from "./disasm.ts";

/** One rendered row. */
export interface CodeRow {
  readonly key: string;
  readonly kind: "label" | "insn";
  readonly text: string;
  readonly current: boolean;
  readonly cursor: boolean;
  /** Breakpoint marker: "B" enabled, "b" disabled, " " none. */
  readonly marker: "B" | "b" | " ";
}

/** Linear address as 5 digits in the first MiB, 8 otherwise (16 above 4 GiB). */
export function formatLinear(addr: bigint): string {
  return addr.toString(16).padStart(addr < 0x100000n ? 5 : addr < 0x1_0000_0000n ? 8 : 16, "0");
}

/**
 * Builds at most `maxRows` rows. Needs: `cursor` an index into `lines`. Guarantees: the cursor's
 * instruction row is included.
 */
export function codeRows(
  lines: readonly DisasmLine[],
  pc: bigint | null,
  cursor: number,
  breakpoints: readonly Breakpoint[],
  maxRows: number,
  showSegOff: boolean,
): CodeRow[] {
  const rows: CodeRow[] = [];
  let cursorRow = 0;
  lines.forEach((line, i) => {
    if (line.label !== null)
      rows.push({
        key: `l${line.addr}`,
        kind: "label",
        text: `${line.label}:`,
        current: false,
        cursor: false,
        marker: " ",
      });
    const bps = breakpoints.filter((b) => b.type === "break" && b.addr === line.addr);
    const marker = bps.length === 0 ? " " : bps.some((b) => b.enabled) ? "B" : "b";
    const current = pc !== null && line.addr === pc;
    if (i === cursor) cursorRow = rows.length;
    const where = showSegOff
      ? `${formatLinear(line.addr)} ${line.ip.toString(16).padStart(4, "0")}`
      : formatLinear(line.addr);
    rows.push({
      key: `i${line.addr}`,
      kind: "insn",
      text: `${current ? "=>" : "  "} ${where}  ${line.bytes.padEnd(16).slice(0, 16)} ${line.text}`,
      current,
      cursor: i === cursor,
      marker,
    });
  });
  if (rows.length <= maxRows) return rows;
  const start = Math.max(0, Math.min(cursorRow - Math.floor(maxRows / 3), rows.length - maxRows));
  const end = Math.max(start + maxRows, cursorRow + 1);
  return rows.slice(end - maxRows, end);
}
