// The FPU/SSE pane's decoding against gdb 13 on the same machine state. firmware/tests/fpu-state
// leaves every tag kind, TOP 1, a pseudo-denormal, an unnormal, NaNs and infinities, decoded words and
// float/double XMM lanes; it runs under pcscope (and under QEMU 7.2), gdb prints `info float`,
// `p $xmmN.v4_float`/`.v2_double` and `p $mxcsr`, and the pane's view, built from the registers the
// UI's RSP session reads from the same stub, must say the same, column for column. Against pcscope
// gdb then writes $st0 and $xmm registers (P packets) and the pane's next view shows what it wrote.
// Under QEMU 7.2 (whose stub sends R0-R7 as st0-7 and no tags) the pane reads QEMU's monitor dump.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createBareMachine } from "../../../../src/emu/machine/board-bare.ts";
import { type GdbServer, startGdbServer } from "../../../../src/gdbstub/index.ts";
import { type FpuView, fpuView } from "../../../../src/tui/panes/fpu/fpu-view.ts";
import { RspSession } from "../../../../src/tui/session/rsp-session.ts";
import { runGdb } from "../../../gdbstub/gdb-run.ts";
import { needPeers } from "../../../helpers/peers.ts";
import { type PausedQemu, startPausedQemu } from "../../../helpers/qemu.ts";
import { assembleTestRomFile } from "../../../helpers/roms.ts";

/** Where the ROM halts (F000:0200). */
const DONE = 0xf0200;
const XMM = Array.from({ length: 8 }, (_, i) => i);

/** gdb's commands for the state: info float, each XMM register's lanes, MXCSR. */
function stateCommands(): string[] {
  return [
    "echo @float\\n",
    "info float",
    "echo @xmm\\n",
    ...XMM.flatMap((i) => [`p $xmm${i}.v4_float`, `p $xmm${i}.v2_double`]),
    "p $mxcsr",
    "echo @end\\n",
  ];
}

/** What gdb printed, parsed into the pane's columns. */
interface GdbFloat {
  rows: { top: boolean; physical: number; tag: string; hex: string; value: string }[];
  status: { value: number; set: string[]; top: number };
  control: { value: number; set: string[]; precision: string; rounding: string };
  tagWord: string;
  ip: string;
  op: string;
  opcode: string;
  xmm: string[];
  mxcsr: string[];
}

/** Parses `info float` and the prints after it (the first @float ... @end block of `out`). */
function parseGdb(out: string): GdbFloat {
  const block = out.slice(out.indexOf("@float\n"), out.indexOf("@end\n"));
  const rows = [...block.matchAll(/^(=>| {2})R(\d): (\w+)\s+0x([0-9a-f]{20})(.*)$/gm)].map((m) => ({
    top: m[1] === "=>",
    physical: Number(m[2]),
    tag: m[3]!,
    hex: m[4]!,
    value: m[5]!.trim().replace(/\s+/g, " "),
  }));
  const word = (label: string) => {
    const m = new RegExp(`^${label}:\\s+0x([0-9a-f]{4})(.*)$`, "m").exec(block)!;
    return { value: Number.parseInt(m[1]!, 16), set: m[2]!.trim().split(/\s+/).filter(Boolean) };
  };
  const field = (label: string) => new RegExp(`^\\s*${label}:\\s+(.*)$`, "m").exec(block)![1]!.trim();
  const prints = [...block.matchAll(/^\$\d+ = (.*)$/gm)].map((m) => m[1]!);
  return {
    rows,
    status: { ...word("Status Word"), top: Number(field("TOP")) },
    control: { ...word("Control Word"), precision: field("PC"), rounding: field("RC") },
    tagWord: field("Tag Word"),
    ip: field("Instruction Pointer"),
    op: field("Operand Pointer"),
    opcode: field("Opcode"),
    xmm: prints.slice(0, 16),
    mxcsr: prints[16]!
      .replace(/^\[\s*|\s*\]$/g, "")
      .split(/\s+/)
      .filter(Boolean),
  };
}

/** The pane's view in gdb's columns, for one comparison per part. */
function asGdb(view: FpuView): GdbFloat {
  return {
    rows: view.stack.map((r) => ({
      top: r.top,
      physical: r.physical,
      tag: r.tag,
      hex: r.hex,
      value: r.value,
    })),
    status: { value: view.status.value, set: [...view.status.set], top: view.top },
    control: {
      value: view.control.value,
      set: [...view.control.set],
      precision: view.precision,
      rounding: view.rounding,
    },
    tagWord: `0x${view.tagWord.toString(16).padStart(4, "0")}`,
    ip: view.instructionPointer,
    op: view.operandPointer,
    opcode: view.opcode,
    xmm: view.xmm.flatMap((x) => [`{${x.floats.join(", ")}}`, `{${x.doubles.join(", ")}}`]),
    mxcsr: [...view.mxcsr!.set],
  };
}

/** The pane's view of the registers (and monitor dump) the UI's session reads from `session`. */
async function paneView(session: RspSession): Promise<FpuView> {
  const regs = await session.readRegisters();
  return fpuView(regs, (await session.readExtras())?.x87 ?? null, null);
}

/** The pane's view over a fresh UI session to the stub at `port`. */
async function paneViewAt(port: number): Promise<FpuView> {
  const session = await RspSession.connect("127.0.0.1", port);
  try {
    return await paneView(session);
  } finally {
    await session.close();
  }
}

/** R7..R0 as the ROM leaves them: tags and what gdb prints after the hex. */
const ROM_TAGS = ["Valid", "Special", "Special", "Special", "Special", "Special", "Zero", "Empty"];
const ROM_VALUES = [
  "+3.141592653589793239",
  "-Inf",
  "+1.060753063777800109e-4948 Denormal",
  "+1.681051571556046753e-4932 Pseudo-denormal",
  "Unsupported",
  "Real Indefinite (QNaN)",
  "-0",
  "",
];

describe.skipIf(!needPeers("gdb", "nasm"))("the FPU/SSE pane against gdb 13's info float", () => {
  let server: GdbServer | null = null;
  const qemus: PausedQemu[] = [];
  afterEach(async () => {
    await server?.close();
    server = null;
    for (const q of qemus.splice(0)) q.stop();
  });

  it("decodes pcscope's x87 and SSE state as gdb does, and gdb's writes show in the next view", async () => {
    const rom = await assembleTestRomFile("fpu-state/fpu-state.asm");
    const machine = createBareMachine({ bios: readFileSync(rom), cpuModel: "qemu32" });
    expect(machine.run(100_000).kind).toBe("halted");
    server = await startGdbServer(machine, { port: 0, startPaused: true });
    const gdb = parseGdb(await runGdb(server.address, stateCommands()));
    const view = await paneViewAt(server.port);
    expect(gdb.rows).toHaveLength(8);
    expect(asGdb(view)).toEqual(gdb);
    // What the ROM left, as the pane shows it: every tag kind, TOP 1, the pseudo-denormal as glibc prints it.
    expect(view.stack.map((r) => r.tag)).toEqual(ROM_TAGS);
    expect(view.stack.map((r) => r.value)).toEqual(ROM_VALUES);
    expect(view.top).toBe(1);
    expect(view.status.set).toEqual(["IE", "ZE", "C0", "C2", "C3"]);
    expect([view.precision, view.rounding]).toEqual(["Double Precision (53-bits)", "Round toward zero"]);
    expect(view.mxcsr!.rounding).toBe("Round up");
    // gdb writes ST(0) and XMM lanes (P packets): its info float and the pane's next view show them.
    const written = await runGdb(server.address, [
      "set $st0 = -2.75",
      "set $xmm1.v2_double[0] = 0.5",
      "set $xmm5.v4_int32[3] = 0x7f800000",
      ...stateCommands(),
    ]);
    expect(written).toMatch(/=>R1: Zero\s+0xc000b000000000000000 -2\.75/);
    const after = await paneViewAt(server.port);
    expect(asGdb(after)).toEqual(parseGdb(written));
    expect(after.stack[6]).toMatchObject({ physical: 1, hex: "c000b000000000000000", value: "-2.75" });
    expect(after.xmm[1]!.doubles[0]).toBe("0.5");
    expect(after.xmm[5]!.floats[3]).toBe("inf");
  });

  it.skipIf(!needPeers("qemu-system-i386"))(
    "works attached to QEMU 7.2's stub: R0-R7 and tags from its monitor dump, the rest as gdb shows it",
    async () => {
      const rom = await assembleTestRomFile("fpu-state/fpu-state.asm");
      // Two QEMUs run the ROM to its halt: one for gdb, one for the UI's session.
      qemus.push(await startPausedQemu({ bios: rom }), await startPausedQemu({ bios: rom }));
      const [forGdb, forUi] = qemus;
      const gdbRun = runGdb(`127.0.0.1:${forGdb!.port}`, [
        `break *0x${DONE.toString(16)}`,
        "continue",
        ...stateCommands(),
      ]);
      const session = await RspSession.connect("127.0.0.1", forUi!.port);
      let view: FpuView;
      try {
        expect(await session.insertBreak("sw", BigInt(DONE), 1)).toBe(true);
        expect((await session.resume()).code).toBe(5); // SIGTRAP: QEMU says no swbreak
        view = await paneView(session);
      } finally {
        await session.close();
      }
      const gdb = parseGdb(await gdbRun);
      const ours = asGdb(view);
      // QEMU 7.2's stub sends R0-R7 as st0-7 and a zero tag word: gdb lists them rotated and all
      // Valid; the pane, reading QEMU's dump, shows the stack pcscope shows for the same ROM.
      expect(gdb.rows.map((r) => r.tag)).toEqual(Array(8).fill("Valid"));
      expect(view.stack.map((r) => r.tag)).toEqual(ROM_TAGS);
      expect(view.stack.map((r) => r.value)).toEqual(ROM_VALUES);
      expect(view.top).toBe(1);
      expect(ours.tagWord).toBe("0x2aa7");
      expect(gdb.tagWord).toBe("0x0000");
      expect({ ...ours, rows: [], tagWord: "" }).toEqual({ ...gdb, rows: [], tagWord: "" });
    },
  );
});
