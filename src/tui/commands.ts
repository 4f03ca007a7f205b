// Executes `:` command lines against a Debugger: each parsed Command becomes breakpoint changes,
// run control, console output (`x/16xb`, `info registers`, `monitor ...`) or a view change.
import type { Debugger } from "./debugger.ts";
import { evalAddress } from "./logic/address-expr.ts";
import { COMMAND_HELP, type Command, type ExamineFormat, parseCommand } from "./logic/command-line.ts";
import { disassemble } from "./logic/disasm.ts";
import { formatSymbolHit } from "./logic/symbol-resolver.ts";

/** Formats `data` read at `addr` as gdb's x command would (8 units a line, 16 for bytes). */
export function formatExamine(
  addr: bigint,
  data: Uint8Array,
  format: ExamineFormat,
  size: 1 | 2 | 4 | 8,
): string[] {
  if (format === "s") {
    let text = "";
    for (const b of data) {
      if (b === 0) break;
      text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`;
    }
    return [`0x${addr.toString(16)}: "${text}"`];
  }
  const perLine = size === 1 ? 16 : size === 8 ? 2 : size === 4 ? 4 : 8;
  const lines: string[] = [];
  let line = "";
  for (let off = 0; off + size <= data.length; off += size) {
    if ((off / size) % perLine === 0) {
      if (line) lines.push(line);
      line = `0x${(addr + BigInt(off)).toString(16)}:`;
    }
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[off + i]!);
    const bits = BigInt(size * 8);
    let cell: string;
    if (format === "d") cell = BigInt.asIntN(Number(bits), v).toString();
    else if (format === "u") cell = v.toString();
    else if (format === "c") cell = v >= 0x20n && v < 0x7fn ? `'${String.fromCharCode(Number(v))}'` : `${v}`;
    else cell = `0x${v.toString(16).padStart(size * 2, "0")}`;
    line += ` ${cell}`;
  }
  if (line) lines.push(line);
  return lines;
}

/** Parses and runs one command line; errors go to the status line. Resolves to true for `quit`. */
export async function runCommandLine(dbg: Debugger, line: string): Promise<boolean> {
  const parsed = parseCommand(line);
  if (!parsed.ok) {
    dbg.say(parsed.error);
    return false;
  }
  return execute(dbg, parsed.command);
}

/** Executes a parsed command. */
/** Executes a parsed command; resolves to true for `quit`. */
export async function execute(dbg: Debugger, command: Command): Promise<boolean> {
  switch (command.kind) {
    case "break":
      await dbg.addBreakpoint("break", command.location, { temporary: command.temporary });
      return false;
    case "delete": {
      const ids = command.ids.length > 0 ? command.ids : dbg.breakpoints.list().map((b) => b.id);
      const missing: number[] = [];
      for (const id of ids) if (!(await dbg.deleteBreakpoint(id))) missing.push(id);
      dbg.say(
        missing.length > 0
          ? `No breakpoint number ${missing.join(", ")}`
          : `Deleted ${ids.length} breakpoint(s)`,
      );
      return false;
    }
    case "enable":
    case "disable":
      for (const id of command.ids)
        if (!(await dbg.enableBreakpoint(id, command.kind === "enable"))) {
          dbg.say(`No breakpoint number ${id}`);
          return false;
        }
      dbg.say(`${command.kind === "enable" ? "Enabled" : "Disabled"} ${command.ids.join(", ")}`);
      return false;
    case "examine":
      await examine(dbg, command);
      return false;
    case "info":
      await info(dbg, command.what, command.arg);
      return false;
    case "watch":
      await dbg.addBreakpoint(
        command.access === "write" ? "watch" : command.access === "read" ? "rwatch" : "awatch",
        command.expr,
        {
          length: command.length,
        },
      );
      return false;
    case "iowatch":
      await dbg.addIoWatch(command.first, command.last, command.dir);
      return false;
    case "iofilter":
      if (dbg.panes.io.log === null) dbg.say("not available: the target is not pcscope");
      else dbg.setIoFilter(command.filter, command.text);
      return false;
    case "monitor":
      try {
        const out = await dbg.session.monitor(command.text);
        dbg.print(...out.replace(/\r/g, "").trimEnd().split("\n"));
      } catch (err) {
        dbg.say(`monitor: ${(err as Error).message}`);
      }
      return false;
    case "run":
      switch (command.action) {
        case "stepi":
          await dbg.stepInstruction();
          return false;
        case "nexti":
        case "next":
          await dbg.next();
          return false;
        case "step":
          await dbg.step();
          return false;
        case "finish":
          await dbg.finish();
          return false;
        case "continue":
          await dbg.cont();
          return false;
        case "reverse-stepi":
          await dbg.reverseStepInstruction();
          return false;
        case "reverse-continue":
          await dbg.reverseContinue();
          return false;
      }
      return false;
    case "goto":
      await dbg.goTo(command.expr);
      return false;
    case "memory":
      await dbg.followMemory(command.expr);
      return false;
    case "block":
      if (dbg.panes.block.tree === null) dbg.say("not available: the target is not pcscope");
      else if (!dbg.selectBlock(command.text)) dbg.say(`no block request matches '${command.text}'`);
      return false;
    case "help":
      dbg.print(...COMMAND_HELP);
      return false;
    case "quit":
      return true;
  }
}

/** `x/NFU EXPR`. */
async function examine(dbg: Debugger, command: Extract<Command, { kind: "examine" }>): Promise<void> {
  const r = evalAddress(command.expr, dbg.env());
  if (!r.ok) {
    dbg.say(r.error);
    return;
  }
  if (command.format === "i") {
    const ctx = dbg.getSnapshot().ctx;
    const bitness = ctx?.bitness ?? 32;
    const csBase =
      bitness === 16
        ? ctx && r.addr - ctx.csBase <= 0xffffn && r.addr >= ctx.csBase
          ? ctx.csBase
          : r.addr & ~0xffffn
        : 0n;
    const bytes = await dbg.session.readMemory(r.addr, command.count * 15);
    if (bytes === null) return dbg.say(`Cannot access memory at 0x${r.addr.toString(16)}`);
    const lines = disassemble(
      bytes,
      r.addr - csBase,
      { bitness, csBase, realSegments: bitness === 16 },
      command.count,
      dbg.symbols,
    );
    dbg.print(...lines.map((l) => `0x${l.addr.toString(16)}: ${l.text}`));
    return;
  }
  const length = command.format === "s" ? Math.max(64, command.count) : command.count * command.size;
  const data = await dbg.session.readMemory(r.addr, length);
  if (data === null) return dbg.say(`Cannot access memory at 0x${r.addr.toString(16)}`);
  dbg.print(...formatExamine(r.addr, data, command.format, command.size));
  await dbg.followMemory(`0x${r.addr.toString(16)}`);
}

/** `info registers|breakpoints|symbol`. */
async function info(dbg: Debugger, what: "registers" | "breakpoints" | "symbol", arg: string): Promise<void> {
  if (what === "registers") {
    const regs = await dbg.session.readRegisters();
    const names =
      arg.trim() === ""
        ? [...regs.values.keys()].filter((n) => !/^(st|xmm|ymm|f[a-z]+$|mxcsr|k_gs)/.test(n))
        : arg.trim().split(/\s+/);
    const cells = names.map((n) => {
      const v = regs.values.get(n.replace(/^\$/, ""));
      return v === undefined ? `${n}=?` : `${n}=0x${v.toString(16)}`;
    });
    const lines: string[] = [];
    for (let i = 0; i < cells.length; i += 6) lines.push(cells.slice(i, i + 6).join("  "));
    dbg.print(...lines);
    return;
  }
  if (what === "breakpoints") {
    const list = dbg.breakpoints.list();
    if (list.length === 0) return dbg.print("No breakpoints or watchpoints.");
    dbg.print(
      ...list.map(
        (b) =>
          `${b.id} ${b.type} ${b.enabled ? "y" : "n"} 0x${b.addr.toString(16)} ${b.location} hits ${b.hits}`,
      ),
    );
    return;
  }
  const r = evalAddress(arg, dbg.env());
  if (!r.ok) return dbg.say(r.error);
  const hit = dbg.symbols.lookupAddress(r.addr);
  dbg.print(hit ? `${formatSymbolHit(hit)} (0x${r.addr.toString(16)})` : `No symbol matches ${arg}.`);
}
