import { describe, expect, it } from "vitest";
import { plainLine, styledLine } from "../../../src/tui/logic/ansi.ts";

/** The visible text of a styled line (colours depend on the terminal the tests run in). */
const visible = (line: string) => line.replace(/\x1b\[[0-9;]*m/g, "");

describe("styledLine", () => {
  it("joins segments and cuts them to the width, never leaving a style open", () => {
    const line = styledLine(
      [
        ["eax ", { color: "gray" }],
        ["00000001", { color: "yellow", bold: true }],
        ["  ecx 0", {}],
      ],
      14,
    );
    expect(visible(line)).toBe("eax 00000001  ");
    const opened = line.match(/\x1b\[(?!0m)[0-9;]*m/g)?.length ?? 0;
    const closed = line.match(/\x1b\[0m/g)?.length ?? 0;
    expect(closed).toBe(opened);
    expect(visible(plainLine("a".repeat(200), 80))).toHaveLength(80);
    expect(styledLine([["abc"]], 0)).toBe("");
  });
});
