// The `:` command line: gdb-style commands parsed into a Command the controller executes. Parsing is
// pure and never throws; a bad line gives one error message.
import { type PortFilter, parsePortFilter } from "./io-log.ts";

export type RunAction =
  | "stepi"
  | "nexti"
  | "step"
  | "next"
  | "continue"
  | "finish"
  | "reverse-stepi"
  | "reverse-continue";
export type ExamineFormat = "x" | "d" | "u" | "c" | "i" | "s" | "a";

export type Command =
  | { kind: "break"; location: string; temporary: boolean }
  | { kind: "delete"; ids: number[] }
  | { kind: "enable"; ids: number[] }
  | { kind: "disable"; ids: number[] }
  | { kind: "examine"; count: number; format: ExamineFormat; size: 1 | 2 | 4 | 8; expr: string }
  | { kind: "info"; what: "registers" | "breakpoints" | "symbol"; arg: string }
  | { kind: "watch"; access: "write" | "read" | "access"; expr: string; length: number }
  | { kind: "iowatch"; first: number; last: number; dir: "r" | "w" | "rw" }
  | { kind: "iofilter"; filter: PortFilter; text: string }
  | { kind: "monitor"; text: string }
  | { kind: "run"; action: RunAction }
  | { kind: "goto"; expr: string }
  | { kind: "memory"; expr: string }
  | { kind: "block"; text: string }
  | { kind: "help" }
  | { kind: "quit" };

export type ParseResult = { ok: true; command: Command } | { ok: false; error: string };

/** Help text for the command line, one command a line. */
export const COMMAND_HELP: readonly string[] = [
  "break LOC | tbreak LOC      LOC: symbol[+off], 0xADDR, *0xADDR, SEG:OFF, $pc",
  "delete [N...] | enable N... | disable N...",
  "x/NFU EXPR                   N count, F x d u c i s a, U b h w g  (x/16xb $sp)",
  "info registers | info breakpoints | info symbol ADDR",
  "watch | rwatch | awatch EXPR [LEN]",
  "iowatch PORT[-PORT] [r|w|rw]   (pcscope targets)",
  "iofilter RANGES | iofilter all  e.g. iofilter 0x1f0-0x1f7,0x3f6",
  "memory EXPR                  the memory pane follows EXPR",
  "goto EXPR                    the code pane shows EXPR",
  "block TEXT                   select the first block request whose line has TEXT (block WRITE DMA)",
  "monitor TEXT                 sent to the stub (qRcmd)",
  "stepi nexti step next continue finish quit",
  "reverse-stepi (rsi) | reverse-continue (rc)   go back (pcscope with a history)",
];

/** First word -> canonical name, gdb's abbreviations included. */
const ALIASES: ReadonlyMap<string, string> = new Map([
  ["b", "break"],
  ["br", "break"],
  ["break", "break"],
  ["tb", "tbreak"],
  ["tbreak", "tbreak"],
  ["d", "delete"],
  ["del", "delete"],
  ["delete", "delete"],
  ["en", "enable"],
  ["enable", "enable"],
  ["dis", "disable"],
  ["disable", "disable"],
  ["i", "info"],
  ["info", "info"],
  ["watch", "watch"],
  ["rwatch", "rwatch"],
  ["awatch", "awatch"],
  ["iowatch", "iowatch"],
  ["iofilter", "iofilter"],
  ["mon", "monitor"],
  ["monitor", "monitor"],
  ["si", "stepi"],
  ["stepi", "stepi"],
  ["ni", "nexti"],
  ["nexti", "nexti"],
  ["s", "step"],
  ["step", "step"],
  ["n", "next"],
  ["next", "next"],
  ["c", "continue"],
  ["cont", "continue"],
  ["continue", "continue"],
  ["fin", "finish"],
  ["finish", "finish"],
  ["rsi", "reverse-stepi"],
  ["reverse-stepi", "reverse-stepi"],
  ["rc", "reverse-continue"],
  ["reverse-continue", "reverse-continue"],
  ["g", "goto"],
  ["goto", "goto"],
  ["list", "goto"],
  ["block", "block"],
  ["mem", "memory"],
  ["memory", "memory"],
  ["h", "help"],
  ["help", "help"],
  ["q", "quit"],
  ["quit", "quit"],
]);

/** Parses a list of breakpoint numbers. */
function parseIds(text: string): number[] | string {
  if (text.trim() === "") return [];
  const ids: number[] = [];
  for (const part of text.trim().split(/\s+/)) {
    if (!/^[0-9]+$/.test(part)) return `bad breakpoint number '${part}'`;
    ids.push(Number(part));
  }
  return ids;
}

/** Parses the `/NFU` part of `x/NFU`. */
function parseExamine(spec: string, expr: string): ParseResult {
  const m = /^([0-9]*)([xducisa]?)([bhwg]?)$/.exec(spec);
  if (!m) return { ok: false, error: `bad format '/${spec}' (e.g. x/16xb)` };
  const count = m[1] === "" ? 1 : Number(m[1]);
  if (count < 1 || count > 4096) return { ok: false, error: "count must be 1..4096" };
  const format = (m[2] || "x") as ExamineFormat;
  const size = ({ b: 1, h: 2, w: 4, g: 8 } as const)[
    (m[3] || (format === "c" || format === "s" ? "b" : "w")) as "b" | "h" | "w" | "g"
  ];
  if (expr.trim() === "") return { ok: false, error: "x needs an address" };
  return { ok: true, command: { kind: "examine", count, format, size, expr: expr.trim() } };
}

/** Parses a port number (hex with or without 0x). */
function parsePort(text: string): number | null {
  const m = /^(?:0x)?([0-9a-f]{1,4})$/i.exec(text);
  return m ? Number.parseInt(m[1]!, 16) : null;
}

/** Parses one command line. Guarantees: never throws; unknown words give an error naming them. */
export function parseCommand(line: string): ParseResult {
  const text = line.trim();
  if (text === "") return { ok: false, error: "empty command" };
  const xm = /^x(?:\/(\S*))?(?:\s+(.*))?$/.exec(text);
  if (xm) return parseExamine(xm[1] ?? "", xm[2] ?? "");
  const space = text.search(/\s/);
  const word = (space < 0 ? text : text.slice(0, space)).toLowerCase();
  const rest = space < 0 ? "" : text.slice(space + 1).trim();
  const name = ALIASES.get(word);
  if (name === undefined) return { ok: false, error: `unknown command '${word}' (try 'help')` };
  switch (name) {
    case "break":
    case "tbreak":
      if (rest === "") return { ok: false, error: `${name} needs a location` };
      return { ok: true, command: { kind: "break", location: rest, temporary: name === "tbreak" } };
    case "delete":
    case "enable":
    case "disable": {
      const ids = parseIds(rest);
      if (typeof ids === "string") return { ok: false, error: ids };
      if (ids.length === 0 && name !== "delete")
        return { ok: false, error: `${name} needs breakpoint numbers` };
      return { ok: true, command: { kind: name, ids } };
    }
    case "info": {
      const [what = "", ...args] = rest.split(/\s+/);
      if (/^r(eg(isters?)?)?$/.test(what) || what === "all-registers")
        return { ok: true, command: { kind: "info", what: "registers", arg: args.join(" ") } };
      if (/^b(reak(points?)?)?$/.test(what) || what === "watchpoints")
        return { ok: true, command: { kind: "info", what: "breakpoints", arg: "" } };
      if (/^sym(bol)?$/.test(what)) {
        if (args.length === 0) return { ok: false, error: "info symbol needs an address" };
        return { ok: true, command: { kind: "info", what: "symbol", arg: args.join(" ") } };
      }
      return { ok: false, error: `info ${what}: try registers, breakpoints or symbol` };
    }
    case "watch":
    case "rwatch":
    case "awatch": {
      const m = /^(.+?)(?:\s+([0-9]+))?$/.exec(rest);
      if (!m) return { ok: false, error: `${name} needs an address` };
      const length = m[2] === undefined ? 1 : Number(m[2]);
      if (![1, 2, 4, 8].includes(length)) return { ok: false, error: "watch length must be 1, 2, 4 or 8" };
      const access = name === "watch" ? "write" : name === "rwatch" ? "read" : "access";
      return { ok: true, command: { kind: "watch", access, expr: m[1]!, length } };
    }
    case "iowatch": {
      const [range = "", dirText = "rw"] = rest.split(/\s+/);
      const [a = "", b] = range.split("-");
      const first = parsePort(a);
      const last = b === undefined ? first : parsePort(b);
      if (first === null || last === null || last < first)
        return { ok: false, error: "iowatch needs PORT or PORT-PORT (hex), e.g. iowatch 0x1f7 w" };
      if (dirText !== "r" && dirText !== "w" && dirText !== "rw")
        return { ok: false, error: "iowatch direction is r, w or rw" };
      return { ok: true, command: { kind: "iowatch", first, last, dir: dirText } };
    }
    case "iofilter": {
      const r = parsePortFilter(rest);
      if (!r.ok) return r;
      return { ok: true, command: { kind: "iofilter", filter: r.filter, text: rest || "all" } };
    }
    case "monitor":
      if (rest === "") return { ok: false, error: "monitor needs a command" };
      return { ok: true, command: { kind: "monitor", text: rest } };
    case "goto":
    case "memory":
      if (rest === "") return { ok: false, error: `${name} needs an address` };
      return { ok: true, command: { kind: name, expr: rest } };
    case "block":
      if (rest === "") return { ok: false, error: "block needs text to find (e.g. block WRITE DMA)" };
      return { ok: true, command: { kind: "block", text: rest } };
    case "help":
      return { ok: true, command: { kind: "help" } };
    case "quit":
      return { ok: true, command: { kind: "quit" } };
    default:
      return { ok: true, command: { kind: "run", action: name as RunAction } };
  }
}
