// `info history`: how far back reverse execution reaches, where the machine stands, and the memory
// the history's snapshots take against the budget (`--history SIZE`).
import type { HistoryTimeline } from "../../emu/debug-target.ts";

const MIB = 1024 * 1024;

/** The report for `timeline` (positions are steps of the boot CPU since power-on). */
export function infoHistory(timeline: HistoryTimeline | undefined): string {
  if (timeline === undefined)
    return "this machine records no history (reverse execution needs one vCPU and --history)\n";
  const { start, now, end, snapshots, bytes, budget } = timeline;
  const ahead = end > now ? `; forward replays ${end - now} recorded steps` : "";
  return (
    `history: steps ${start}..${end}, now at ${now} (${now - start} steps back available${ahead})\n` +
    `snapshots: ${snapshots}, ${(bytes / MIB).toFixed(1)} MiB of the ${(budget / MIB).toFixed(0)} MiB budget\n`
  );
}
