// Pre-styled text lines: a pane body is one Ink <Text> holding lines built here (SGR colour codes
// around plain segments, cut to the pane's width) instead of a <Text> per cell. Ink then lays out
// and reconciles one node per pane, and never wraps (every line already fits), which keeps a frame
// cheap. Text is ASCII plus box-drawing characters: one cell per character.

/** Colours the panes use. */
export type Color = "red" | "green" | "yellow" | "magenta" | "cyan" | "gray";

/** How a segment looks. */
export interface Style {
  readonly color?: Color;
  readonly bold?: boolean;
  readonly inverse?: boolean;
}

/** A piece of a line: plain text and its style (none: the terminal's default). */
export type Segment = readonly [text: string, style?: Style];

// SGR parameters.
const FG: Readonly<Record<Color, number>> = {
  red: 31,
  green: 32,
  yellow: 33,
  magenta: 35,
  cyan: 36,
  gray: 90,
};
const SGR_BOLD = 1;
const SGR_INVERSE = 7;
const SGR_RESET = "\x1b[0m";

/**
 * Whether to colour at all, decided once like Ink's own colours (chalk): FORCE_COLOR wins, then
 * NO_COLOR, a non-terminal stdout or TERM=dumb turn colours off.
 */
function colorsWanted(): boolean {
  const env = process.env;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  return env.NO_COLOR === undefined && process.stdout.isTTY === true && env.TERM !== "dumb";
}
const COLORS = colorsWanted();

/** The escape sequence that turns `style` on, or "" for no style (or no colours). */
function sgr(style: Style | undefined): string {
  if (style === undefined || !COLORS) return "";
  const codes: number[] = [];
  if (style.bold) codes.push(SGR_BOLD);
  if (style.inverse) codes.push(SGR_INVERSE);
  if (style.color !== undefined) codes.push(FG[style.color]);
  return codes.length === 0 ? "" : `\x1b[${codes.join(";")}m`;
}

/**
 * Joins segments into one line of at most `width` cells (the excess is cut off). Guarantees: every
 * style is reset at the end of its segment, so lines can be joined with "\n" safely.
 */
export function styledLine(segments: readonly Segment[], width: number): string {
  let out = "";
  let room = width;
  for (const [text, style] of segments) {
    if (room <= 0) break;
    const piece = text.length > room ? text.slice(0, room) : text;
    room -= piece.length;
    if (piece === "") continue;
    const on = sgr(style);
    out += on === "" ? piece : `${on}${piece}${SGR_RESET}`;
  }
  return out;
}

/** One plain line cut to `width`, optionally styled as a whole. */
export function plainLine(text: string, width: number, style?: Style): string {
  return styledLine([[text, style]], width);
}
