// The FPU/SSE pane on screen: `x` shows it in place of the upper row and focuses it, its lines say
// what gdb's info float says, Enter cycles the XMM format, j scrolls, Tab stays among the panes on
// screen, `x` brings the code back; and the pane module marks what changed since the stop before.
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { App } from "../../../../src/tui/components/App.tsx";
import { Debugger } from "../../../../src/tui/debugger.ts";
import { FakeSession } from "../../helpers/fake-session.ts";
import { until } from "../../helpers/until.ts";

/** A fake target whose x87 holds 1.0 in ST(0) = R7 (TOP 7), R6 empty; xmm0 = {1.5, 2, -0, inf}. */
function fpuSession(): FakeSession {
  const session = new FakeSession();
  const set = (name: string, value: bigint) => session.regs.set(name, value);
  for (let i = 0; i < 8; i++) set(`st${i}`, 0n);
  set("st0", 0x3fff8000000000000000n);
  set("st7", 0xc000c000000000000000n); // R6 (empty): -3, not shown
  set("fctrl", 0x037fn);
  set("fstat", 0x3800n | 0x20n); // TOP 7, PE
  set("ftag", 0x3fffn); // R7 valid, the rest empty
  for (const name of ["fiseg", "fioff", "foseg", "fooff"]) set(name, 0n);
  set("fop", 0x1e8n); // fld1
  for (let i = 0; i < 8; i++) set(`xmm${i}`, 0n);
  set("xmm0", 0x7f800000_80000000_40000000_3fc00000n);
  set("mxcsr", 0x1f80n);
  return session;
}

describe("FpuPane", () => {
  it("shows the x87 stack, words and xmm registers on x, cycles formats on Enter, scrolls and closes", async () => {
    const session = fpuSession();
    const dbg = new Debugger(session, { cols: 100, rows: 30 });
    await dbg.refresh();
    const ui = render(<App dbg={dbg} trackSize={false} />);
    const frame = () => ui.lastFrame() ?? "";
    const shows = (text: string) =>
      until(() => frame().includes(text), `the frame showing ${text}`, 5000, frame);
    const press = async (keys: string) => {
      for (const k of keys) {
        ui.stdin.write(k);
        await dbg.whenIdle();
      }
    };
    await shows("pcscope fake target | stopped");
    expect(frame()).not.toContain("FPU/SSE");
    await press("x");
    await shows("FPU/SSE (xmm as hex");
    expect(dbg.getSnapshot().focus).toBe("fpu");
    const f = frame();
    expect(f).not.toContain("Registers");
    expect(f).toContain("=>R7: Valid   st0 0x3fff8000000000000000 +1");
    expect(f).toContain("  R6: Empty   st7 0xc000c000000000000000");
    expect(f).toContain("Status  0x3820  TOP 7  [ PE ]");
    expect(f).toContain(
      "Control 0x037f  [ IM DM ZM OM UM PM ]  Extended Precision (64-bits)  Round to nearest",
    );
    expect(f).toContain("Tag 0x3fff  FIP 0x00:0x00000000  FDP 0x00:0x00000000  FOP 0xd9e8");
    expect(f).toContain("MXCSR   0x1f80  [ IM DM ZM OM UM PM ]  Round to nearest");
    expect(f).toContain("xmm0  7f80000080000000400000003fc00000");
    await press("\r");
    await shows("xmm0  {1.5, 2, -0, inf}");
    await press("\r");
    await shows("xmm0  {2.0000004749745131, 1.4044484313040638e+306}");
    await press("\r");
    await shows("FPU/SSE (xmm as hex");
    await press("j");
    await shows("  R6: Empty"); // R7's line scrolled off the top
    expect(frame()).not.toContain("=>R7");
    await press("\t");
    expect(dbg.getSnapshot().focus).toBe("io");
    await press("\t\t\t");
    expect(dbg.getSnapshot().focus).toBe("fpu");
    await press("x");
    await shows("Registers");
    expect(frame()).not.toContain("FPU/SSE");
    expect(dbg.getSnapshot().focus).toBe("code");
    ui.unmount();
  });

  it("marks registers that changed since the stop before", async () => {
    const session = fpuSession();
    const dbg = new Debugger(session, { cols: 100, rows: 30 });
    await dbg.refresh();
    session.regs.set("st0", 0x40008000000000000000n);
    session.regs.set("xmm1", 1n);
    await dbg.refresh();
    const fpu = dbg.getSnapshot().panes.fpu.fpu!;
    expect(fpu.stack.filter((r) => r.changed).map((r) => r.physical)).toEqual([7]);
    expect(fpu.stack[0]!.value).toBe("+2");
    expect(fpu.xmm.filter((x) => x.changed).map((x) => x.name)).toEqual(["xmm1"]);
  });
});
