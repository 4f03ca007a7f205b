// The history timeline of a target that executes in reverse: parsed from the stub's
// `monitor info history` (pcscope's wording, src/gdbstub/stub/monitor-history.ts) and drawn as a
// short bar for the status line, with where the view stands between the oldest and newest moments.

/** The recorded history in steps since power-on. */
export interface Timeline {
  readonly start: number;
  readonly now: number;
  readonly end: number;
}

const HISTORY_LINE = /^history: steps (\d+)\.\.(\d+), now at (\d+)/m;

/** The timeline in `info history` text; null when the text has none (no history recorded). */
export function parseTimeline(text: string): Timeline | null {
  const m = HISTORY_LINE.exec(text);
  if (m === null) return null;
  return { start: Number(m[1]), end: Number(m[2]), now: Number(m[3]) };
}

/**
 * `history [████▌·····] 1200/1500`: the bar spans start..end with `width` cells; the filled part
 * reaches `now`. Steps are counted from the oldest moment recorded.
 */
export function timelineText(t: Timeline, width = 12): string {
  const span = Math.max(1, t.end - t.start);
  const filled = Math.round(((t.now - t.start) / span) * width);
  const bar = "█".repeat(filled) + "·".repeat(width - filled);
  return `history [${bar}] ${t.now - t.start}/${t.end - t.start}`;
}
