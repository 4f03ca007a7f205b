// The snapshot monitor commands, with QEMU's HMP names and wording: `savevm NAME`, `loadvm NAME`,
// `delvm NAME` and `info snapshots`. Snapshots live in the machine's memory (DebugTarget.snapshots).
import type { SnapshotInfo, SnapshotOps } from "../../emu/debug-target.ts";

/** Runs savevm, loadvm or delvm with `args`; returns the console text (never throws). */
export function snapshotCommand(
  ops: SnapshotOps,
  cmd: "savevm" | "loadvm" | "delvm",
  args: string[],
): string {
  const name = args[0];
  if (name === undefined || args.length > 1) return `usage: ${cmd} NAME`;
  switch (cmd) {
    case "savevm":
      try {
        ops.save(name);
      } catch (err) {
        return `Error: ${err instanceof Error ? err.message : String(err)}`;
      }
      return `snapshot '${name}' saved`;
    case "loadvm":
      if (!ops.load(name)) return `Error: Snapshot '${name}' does not exist in one or more devices`;
      return `snapshot '${name}' loaded; gdb still shows the old registers until you type 'maint flush register-cache'`;
    case "delvm":
      if (!ops.delete(name)) return `Error: Snapshot '${name}' does not exist in one or more devices`;
      return `snapshot '${name}' deleted`;
  }
}

/** Size as QEMU prints a VM state size: B, KiB, MiB or GiB with up to 3 significant digits. */
function size(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} ${units[u]}` : `${v.toPrecision(3).replace(/\.?0+$/, "")} ${units[u]}`;
}

/** Virtual time as QEMU's VM CLOCK column: HH:MM:SS.mmm. */
function clock(ns: number): string {
  const ms = Math.floor(ns / 1e6);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/**
 * `info snapshots`, laid out like QEMU's: ID, TAG, VM SIZE (what the snapshot owns), VM CLOCK and
 * ICOUNT (the position in virtual ticks). No DATE column: nothing here depends on the host clock.
 */
export function infoSnapshots(ops: SnapshotOps): string {
  const list: SnapshotInfo[] = ops.list();
  if (list.length === 0) return "There is no snapshot available.";
  const rows = list.map(
    (s, i) =>
      `${String(i + 1).padEnd(10)}${s.name.padEnd(18)}${size(s.bytes).padStart(8)} ${clock(s.clockNs).padStart(16)} ${String(s.position).padStart(12)}`,
  );
  return [
    "List of snapshots present on all disks:",
    `${"ID".padEnd(10)}${"TAG".padEnd(18)}${"VM SIZE".padStart(8)} ${"VM CLOCK".padStart(16)} ${"ICOUNT".padStart(12)}`,
    ...rows,
  ].join("\n");
}
