// Pane geometry from the terminal size, so a resize reflows everything and the controller knows how
// much to fetch (code lines, memory rows, stack slots, log lines). Pure arithmetic, tested alone.

/** Panes the focus cycles through, in Tab order (those on screen: see visiblePanes). */
export const PANES = [
  "code",
  "registers",
  "stack",
  "backtrace",
  "breakpoints",
  "memory",
  "io",
  "block",
  "log",
  "fpu",
] as const;
export type Pane = (typeof PANES)[number];

/** The panes the FPU/SSE pane covers while it is shown (the upper row). */
const UNDER_FPU: ReadonlySet<Pane> = new Set([
  "code",
  "memory",
  "registers",
  "stack",
  "backtrace",
  "breakpoints",
]);

/** The panes on screen, in Tab order: the FPU/SSE pane replaces the upper row when `fpu` is shown. */
export function visiblePanes(fpu: boolean): Pane[] {
  return PANES.filter((p) => (fpu ? !UNDER_FPU.has(p) : p !== "fpu"));
}

/** Sizes in terminal cells. Heights include the pane's border (2 rows) and title. */
export interface Layout {
  readonly cols: number;
  readonly rows: number;
  /** Width of the left column (code, memory); the right column takes the rest. */
  readonly leftWidth: number;
  readonly rightWidth: number;
  readonly codeHeight: number;
  readonly memoryHeight: number;
  readonly registersHeight: number;
  readonly stackHeight: number;
  readonly backtraceHeight: number;
  readonly breakpointsHeight: number;
  /** Height of the bottom row (I/O, block, firmware log side by side). */
  readonly bottomHeight: number;
  /** Rows of content (without borders) each pane can show. */
  readonly codeLines: number;
  readonly memoryRows: number;
  readonly stackSlots: number;
  readonly backtraceLines: number;
  readonly breakpointLines: number;
  readonly bottomLines: number;
  /** Rows of content of the FPU/SSE pane (the upper row's height). */
  readonly fpuLines: number;
  /** Too small to draw the panes: show a one-line notice instead. */
  readonly tooSmall: boolean;
}

/** Smallest terminal the panes fit in (the frame is SPARE_ROWS shorter: see screenLayout). */
export const MIN_COLS = 80;
export const MIN_ROWS = 24;
/**
 * Rows a frame leaves free at the bottom of the terminal. Ink draws a frame as tall as the terminal
 * by clearing the whole screen (and its scrollback) first, every time; one row shorter, it moves up
 * over the previous frame and rewrites it in one synchronized update.
 */
export const SPARE_ROWS = 1;
/** Smallest frame: a MIN_COLS x MIN_ROWS terminal less its spare row. */
const MIN_FRAME_ROWS = MIN_ROWS - SPARE_ROWS;
const STATUS_ROWS = 1;
const CONSOLE_ROWS = 3;
const BORDER = 2;

/**
 * Splits a `cols` x `rows` frame into panes. Guarantees: heights add up to `rows` minus the status
 * and console lines; every pane has at least one content row when not tooSmall (a frame of at least
 * MIN_COLS x (MIN_ROWS - SPARE_ROWS), the frame of a MIN_COLS x MIN_ROWS terminal).
 */
export function computeLayout(cols: number, rows: number): Layout {
  const tooSmall = cols < MIN_COLS || rows < MIN_FRAME_ROWS;
  const c = Math.max(cols, MIN_COLS);
  const r = Math.max(rows, MIN_FRAME_ROWS);
  const body = r - STATUS_ROWS - CONSOLE_ROWS;
  const bottomHeight = Math.max(BORDER + 3, Math.floor(body * 0.3));
  const top = body - bottomHeight;
  const rightWidth = Math.max(46, Math.min(64, Math.floor(c * 0.4)));
  const leftWidth = c - rightWidth;
  const memoryHeight = Math.max(BORDER + 2, Math.floor(top * 0.3));
  const codeHeight = top - memoryHeight;
  const registersHeight = Math.min(top - 3 * (BORDER + 1), BORDER + 12);
  const restRight = top - registersHeight;
  const breakpointsHeight = Math.max(BORDER + 1, Math.floor(restRight / 4));
  const stackHeight = Math.ceil((restRight - breakpointsHeight) / 2);
  const backtraceHeight = restRight - breakpointsHeight - stackHeight;
  return {
    cols: c,
    rows: r,
    leftWidth,
    rightWidth,
    codeHeight,
    memoryHeight,
    registersHeight,
    stackHeight,
    backtraceHeight,
    breakpointsHeight,
    bottomHeight,
    codeLines: codeHeight - BORDER,
    memoryRows: memoryHeight - BORDER,
    stackSlots: stackHeight - BORDER,
    backtraceLines: backtraceHeight - BORDER,
    breakpointLines: breakpointsHeight - BORDER,
    bottomLines: bottomHeight - BORDER,
    fpuLines: top - BORDER,
    tooSmall,
  };
}

/** The layout of a frame on a `cols` x `rows` terminal (SPARE_ROWS left free). */
export function screenLayout(cols: number, rows: number): Layout {
  return computeLayout(cols, rows - SPARE_ROWS);
}
