// `pcscope attach HOST:PORT [--symbols FILE[@BIAS]...]`: the debugger UI on any gdb stub (QEMU's
// `-gdb tcp:127.0.0.1:1234 -S`, pcscope's own `run --gdb`). QEMU's stub takes one client at a time,
// so beside the UI use its `:` commands (`monitor ...` reaches QEMU's monitor).
import { Debugger, NO_TTY_MESSAGE, RspSession, runTui } from "../tui/index.ts";
import { isInteractive } from "../tui/terminal.ts";
import type { CliCommand } from "./command.ts";
import { UserError } from "./errors.ts";
import { loadSymbols } from "./symbol-files.ts";

/** What `attach` was asked to do. */
export interface AttachOptions {
  host: string;
  port: number;
  symbols: Array<{ path: string; bias: bigint }>;
}

/** Parses `HOST:PORT` (HOST defaults to 127.0.0.1 when only `:PORT` or `PORT` is given). */
export function parseHostPort(text: string): { host: string; port: number } {
  const m = /^(?:(.*):)?([0-9]{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || port < 1 || port > 65535) throw new UserError(`bad stub address '${text}' (expected HOST:PORT)`);
  return { host: m[1] || "127.0.0.1", port };
}

/** Parses `FILE` or `FILE@0xBIAS` (a load bias like gdb's add-symbol-file). */
function parseSymbolArg(text: string): { path: string; bias: bigint } {
  const at = text.lastIndexOf("@");
  if (at > 0 && /^@(0x[0-9a-f]+|[0-9]+)$/i.test(text.slice(at)))
    return { path: text.slice(0, at), bias: BigInt(text.slice(at + 1)) };
  return { path: text, bias: 0n };
}

/** Parses attach's arguments. Throws UserError for anything unexpected. */
export function parseAttachArgs(args: string[]): AttachOptions {
  let target: { host: string; port: number } | null = null;
  const symbols: AttachOptions["symbols"] = [];
  let inSymbols = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--symbols" || arg === "-s") {
      inSymbols = true;
      if (i + 1 >= args.length) throw new UserError("--symbols needs a file");
      continue;
    }
    if (arg.startsWith("--symbols=")) {
      symbols.push(parseSymbolArg(arg.slice(10)));
      continue;
    }
    if (arg.startsWith("-")) throw new UserError(`unknown option '${arg}'\n${attachCommand.usage}`);
    if (target === null && !inSymbols) target = parseHostPort(arg);
    else if (inSymbols) symbols.push(parseSymbolArg(arg));
    else throw new UserError(`unexpected argument '${arg}'`);
  }
  if (target === null) throw new UserError(`attach needs HOST:PORT\n${attachCommand.usage}`);
  return { ...target, symbols };
}

export const attachCommand: CliCommand = {
  name: "attach",
  usage: [
    "usage: pcscope attach HOST:PORT [--symbols FILE[@BIAS]...]",
    "",
    "Attaches the terminal debugger to a gdb stub, e.g. QEMU started with",
    "  qemu-system-i386 -S -gdb tcp:127.0.0.1:1234 -bios /usr/share/seabios/bios.bin",
    "then: pcscope attach 127.0.0.1:1234 --symbols bios.nm",
    "",
    "  --symbols FILE[@BIAS]  nm listings (BSD, POSIX, SysV; gzip ok), each with an optional load bias",
    "  -h, --help             this text",
    "",
    "Keys: s n i f c p b g / : Tab q, and ? for help. Needs a terminal (exit 2 without one).",
  ].join("\n"),
  async run(args) {
    const opts = parseAttachArgs(args);
    const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
    if (!isInteractive(io)) throw new UserError(NO_TTY_MESSAGE.replace(/^pcscope: /, ""));
    const symbols = loadSymbols(opts.symbols, (line) => process.stderr.write(`${line}\n`));
    let session: RspSession;
    try {
      session = await RspSession.connect(opts.host, opts.port);
    } catch (err) {
      throw new UserError(`cannot attach to ${opts.host}:${opts.port}: ${(err as Error).message}`);
    }
    const dbg = new Debugger(session, { symbols, cols: process.stdout.columns, rows: process.stdout.rows });
    try {
      await dbg.refresh();
    } catch (err) {
      await session.close();
      throw new UserError(`${opts.host}:${opts.port}: cannot read registers: ${(err as Error).message}`);
    }
    return runTui(dbg, io);
  },
};
