import { describe, expect, it } from "vitest";
import { MIN_COLS, MIN_ROWS, SPARE_ROWS, screenLayout } from "../../../src/tui/logic/layout.ts";

describe("screenLayout", () => {
  it("accepts a terminal of exactly MIN_COLS x MIN_ROWS and fits every pane in its frame", () => {
    const L = screenLayout(MIN_COLS, MIN_ROWS);
    expect(L.tooSmall).toBe(false);
    expect(L.rows).toBe(MIN_ROWS - SPARE_ROWS);
    expect(L.leftWidth + L.rightWidth).toBe(MIN_COLS);
    expect(L.codeHeight + L.memoryHeight + L.bottomHeight + 4).toBe(L.rows);
    for (const n of [
      L.codeLines,
      L.memoryRows,
      L.stackSlots,
      L.backtraceLines,
      L.breakpointLines,
      L.bottomLines,
    ])
      expect(n).toBeGreaterThan(0);
  });

  it("refuses a terminal one column or one row smaller", () => {
    expect(screenLayout(MIN_COLS - 1, MIN_ROWS).tooSmall).toBe(true);
    expect(screenLayout(MIN_COLS, MIN_ROWS - 1).tooSmall).toBe(true);
  });
});
