// `pcscope img create|info|check|map`: make and inspect guest disks without qemu-img, with qemu-img's
// meanings, output shapes and exit codes: 1 when the command fails (an image that cannot be opened or
// created, a bad value such as a size or a format), check's 2 (corruptions), 3 (leaks only) and 63
// (a format without checks). A usage error (unknown option or subcommand, wrong number of operands)
// exits 2 like every pcscope command, where qemu-img says 1. Every error is one line on stderr and
// leaves the image untouched.
import { statSync } from "node:fs";
import { AioContext } from "../emu/block/aio-context.ts";
import { BlockError, createImage, openImage, openNode, probeFormat } from "../emu/block/index.ts";
import type { BlockNode } from "../emu/block/node.ts";
import { type CheckResult, checkQcow2 } from "../emu/block/qcow2/check.ts";
import { Qcow2Node } from "../emu/block/qcow2/driver.ts";
import type { CliCommand } from "./command.ts";
import { UserError } from "./errors.ts";

const USAGE = `usage: pcscope img create [-f qcow2|raw] [-b BACKING [-F FMT]] [-o cluster_size=N,compat=1.1|0.10] FILE [SIZE]
       pcscope img info [--output=human|json] FILE
       pcscope img check [--output=human|json] FILE
       pcscope img map [--output=human|json] FILE
create: -f/--format (default qcow2), -b/--backing, -F/--backing-format; qcow2 defaults to version 3
(compat=1.1) with 64 KiB clusters, as qemu-img 7.2. SIZE takes k, M, G, T suffixes (powers of 1024)
and defaults to the backing file's size. -h or --help after any of them prints this text.
Exit status (qemu-img's): 0 success, 1 failure (cannot open or create, a bad value); check: 2 corruptions,
3 leaks only, 63 a format without checks. Bad usage (unknown option, missing FILE) exits 2.`;

/** qemu-img's status for a command that failed: an image it cannot open or create, a bad value. */
const EXIT_FAILED = 1;
/** check's statuses (qemu-img's). */
const EXIT_CORRUPT = 2;
const EXIT_LEAKS = 3;
const EXIT_NO_CHECKS = 63;

/** Parses a qemu-img style size (`64M`, `1.5G`, `4096`). */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([bkKMGTPE]?)$/.exec(text);
  if (!m) throw new UserError(`invalid size '${text}' (use e.g. 64M, 10G, 4096)`, EXIT_FAILED);
  const shift = { "": 0, b: 0, k: 10, K: 10, M: 20, G: 30, T: 40, P: 50, E: 60 }[m[2]!]!;
  const value = Number(m[1]) * 2 ** shift;
  if (!Number.isSafeInteger(value) || value > 2 ** 52)
    throw new UserError(`invalid image size '${text}'`, EXIT_FAILED);
  return value;
}

/** qemu-img's size_to_str: three significant digits and a binary unit. */
export function humanSize(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${bytes} B` : `${Number(v.toPrecision(3))} ${units[u]}`;
}

/** Splits `args` into options (with values) and positional words; usage errors exit 2. */
function parseArgs(args: string[], withValue: string[]): { opts: Map<string, string>; words: string[] } {
  const opts = new Map<string, string>();
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith("--") && a.includes("=")) {
      const eq = a.indexOf("=");
      opts.set(a.slice(0, eq), a.slice(eq + 1));
    } else if (withValue.includes(a)) {
      const v = args[++i];
      if (v === undefined) throw new UserError(`option ${a} needs a value`);
      opts.set(a, v);
    } else if (a.startsWith("-") && a !== "-") throw new UserError(`unknown option '${a}'`);
    else words.push(a);
  }
  return { opts, words };
}

/** The --output value (human or json). */
function outputMode(opts: Map<string, string>): "human" | "json" {
  const o = opts.get("--output") ?? "human";
  if (o !== "human" && o !== "json")
    throw new UserError(`--output must be used with human or json as argument, got '${o}'`, EXIT_FAILED);
  return o;
}

/** Runs `fn`, turning block errors into one-line user errors with qemu-img's status 1. */
function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof BlockError) throw new UserError(err.message, EXIT_FAILED);
    throw err;
  }
}

function create(args: string[]): number {
  const { opts, words } = parseArgs(args, [
    "-f",
    "--format",
    "-b",
    "--backing",
    "-F",
    "--backing-format",
    "-o",
  ]);
  for (const k of opts.keys()) {
    if (!["-f", "--format", "-b", "--backing", "-F", "--backing-format", "-o"].includes(k)) {
      throw new UserError(`unknown option '${k}'`);
    }
  }
  const format = opts.get("-f") ?? opts.get("--format") ?? "qcow2";
  if (format !== "qcow2" && format !== "raw")
    throw new UserError(`unknown format '${format}' (qcow2 or raw)`, EXIT_FAILED);
  const [file, sizeText, extra] = words;
  if (file === undefined || extra !== undefined) throw new UserError("img create needs FILE [SIZE]");
  const backing = opts.get("-b") ?? opts.get("--backing");
  const backingFormat = opts.get("-F") ?? opts.get("--backing-format");
  if (backingFormat !== undefined && backingFormat !== "qcow2" && backingFormat !== "raw") {
    throw new UserError(`unknown backing format '${backingFormat}'`, EXIT_FAILED);
  }
  if (sizeText === undefined && backing === undefined)
    throw new UserError(`${file}: Image creation needs a size parameter`, EXIT_FAILED);
  let clusterSize: number | undefined;
  let compat: "1.1" | "0.10" | undefined;
  for (const kv of (opts.get("-o") ?? "").split(",").filter((s) => s !== "")) {
    const [k, v] = kv.split("=");
    if (k === "cluster_size" && v !== undefined) clusterSize = parseSize(v);
    else if (k === "compat" && (v === "1.1" || v === "0.10" || v === "v3" || v === "v2")) {
      compat = v === "v3" || v === "1.1" ? "1.1" : "0.10";
    } else throw new UserError(`invalid -o option '${kv}' (cluster_size=N, compat=1.1|0.10)`, EXIT_FAILED);
  }
  const size = sizeText !== undefined ? parseSize(sizeText) : undefined;
  const base = file.includes("/") ? file.slice(0, file.lastIndexOf("/") + 1) : "";
  guarded(() => {
    let fmt = backingFormat as "qcow2" | "raw" | undefined;
    if (backing !== undefined) {
      const path = backing.startsWith("/") ? backing : `${base}${backing}`;
      fmt ??= probeFormat(path);
    }
    createImage(file, {
      format,
      size,
      clusterSize,
      compat,
      backingFile: backing,
      backingFormat: fmt,
      backingSize: (name, f) => {
        const node = openNode(new AioContext(), name.startsWith("/") ? name : `${base}${name}`, f, {
          readOnly: true,
          lock: false,
        });
        const s = node.size;
        node.close();
        return s;
      },
    });
  });
  const parts = [`Formatting '${file}', fmt=${format}`];
  if (format === "qcow2") parts.push(`cluster_size=${clusterSize ?? 65536}`);
  parts.push(`size=${size ?? "(backing)"}`);
  if (backing !== undefined) parts.push(`backing_file=${backing}`);
  process.stdout.write(`${parts.join(" ")}\n`);
  return 0;
}

/** Opens read-only without the lock (like qemu-img info with -U), as a BlockNode. */
function openForInspection(file: string): BlockNode {
  return guarded(() => openImage(file, { readOnly: true, lock: false }).root);
}

function info(args: string[]): number {
  const { opts, words } = parseArgs(args, []);
  const mode = outputMode(opts);
  if (words.length !== 1) throw new UserError("img info needs one FILE");
  const file = words[0]!;
  const node = openForInspection(file);
  try {
    const actual = statSync(file).blocks * 512;
    const q = node instanceof Qcow2Node ? node : null;
    const h = q?.meta.header;
    if (mode === "json") {
      const out: Record<string, unknown> = {
        "virtual-size": node.size,
        filename: file,
        format: node.format,
        "actual-size": actual,
      };
      if (h) {
        out["cluster-size"] = 2 ** h.clusterBits;
        if (h.backingFile !== null) {
          out["backing-filename"] = h.backingFile;
          if (h.backingFormat !== null) out["backing-filename-format"] = h.backingFormat;
        }
        out["format-specific"] = { type: "qcow2", data: formatSpecific(q!) };
        out["dirty-flag"] = (h.incompatible & 1n) !== 0n;
      }
      process.stdout.write(`${JSON.stringify(out, null, 4)}\n`);
      return 0;
    }
    const lines = [
      `image: ${file}`,
      `file format: ${node.format}`,
      `virtual size: ${humanSize(node.size)} (${node.size} bytes)`,
      `disk size: ${humanSize(actual)}`,
    ];
    if (h && q) {
      lines.push(`cluster_size: ${2 ** h.clusterBits}`);
      if (h.backingFile !== null) {
        lines.push(`backing file: ${h.backingFile}`);
        if (h.backingFormat !== null) lines.push(`backing file format: ${h.backingFormat}`);
      }
      if (q.meta.snapshots.entries.length > 0) {
        lines.push("Snapshot list:", "ID        TAG");
        for (const s of q.meta.snapshots.entries) lines.push(`${s.id.padEnd(10)}${s.name}`);
      }
      lines.push("Format specific information:");
      for (const [k, v] of Object.entries(formatSpecific(q))) lines.push(`    ${k.replace(/-/g, " ")}: ${v}`);
      for (const w of q.warnings) lines.push(`warning: ${w}`);
    }
    process.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  } finally {
    node.close();
  }
}

/** qemu-img's "Format specific information" for qcow2. */
function formatSpecific(q: Qcow2Node): Record<string, string | number | boolean> {
  const h = q.meta.header;
  if (h.version < 3)
    return { compat: "0.10", "compression-type": "zlib", "refcount-bits": 1 << h.refcountOrder };
  return {
    compat: "1.1",
    "compression-type": "zlib",
    "lazy-refcounts": (h.compatible & 1n) !== 0n,
    "refcount-bits": 1 << h.refcountOrder,
    corrupt: (h.incompatible & 2n) !== 0n,
    "extended-l2": false,
  };
}

function check(args: string[]): number {
  const { opts, words } = parseArgs(args, []);
  const mode = outputMode(opts);
  if (words.length !== 1) throw new UserError("img check needs one FILE");
  const file = words[0]!;
  const fmt = guarded(() => probeFormat(file));
  if (fmt !== "qcow2") {
    process.stderr.write("pcscope: This image format does not support checks\n"); // on stderr, as qemu-img
    return EXIT_NO_CHECKS;
  }
  const r: CheckResult = guarded(() => checkQcow2(file));
  if (mode === "json") {
    const out: Record<string, unknown> = {
      "image-end-offset": r.imageEndOffset,
      "total-clusters": r.totalClusters,
    };
    out["check-errors"] = 0;
    if (r.leaks > 0) out.leaks = r.leaks;
    if (r.corruptions > 0) out.corruptions = r.corruptions;
    out["allocated-clusters"] = r.allocatedClusters;
    out.filename = file;
    out.format = "qcow2";
    process.stdout.write(`${JSON.stringify(out, null, 4)}\n`);
  } else {
    const lines = [...r.messages];
    if (r.corruptions > 0) {
      lines.push(
        "",
        `${r.corruptions} errors were found on the image.`,
        "Data may be corrupted, or further writes to the image may corrupt it.",
      );
    }
    if (r.leaks > 0) {
      lines.push(
        "",
        `${r.leaks} leaked clusters were found on the image.`,
        "This means waste of disk space, but no harm to data.",
      );
    }
    if (r.corruptions === 0 && r.leaks === 0) lines.push("No errors were found on the image.");
    if (r.totalClusters > 0) {
      const pct = (n: number) => ((n * 100) / r.totalClusters).toFixed(2);
      const frag =
        r.allocatedClusters > 0 ? ((r.fragmentedClusters * 100) / r.allocatedClusters).toFixed(2) : "0.00";
      const comp =
        r.allocatedClusters > 0 ? ((r.compressedClusters * 100) / r.allocatedClusters).toFixed(2) : "0.00";
      lines.push(
        `${r.allocatedClusters}/${r.totalClusters} = ${pct(r.allocatedClusters)}% allocated, ${frag}% fragmented, ${comp}% compressed clusters`,
      );
    }
    lines.push(`Image end offset: ${r.imageEndOffset}`);
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  return r.corruptions > 0 ? EXIT_CORRUPT : r.leaks > 0 ? EXIT_LEAKS : 0;
}

/** One row of `map` output. */
interface MapEntry {
  start: number;
  length: number;
  depth: number;
  present: boolean;
  zero: boolean;
  data: boolean;
  offset?: number;
  file?: string;
}

/** The merged allocation map of `node` (as qemu-img map computes it). */
export function mapImage(node: BlockNode): MapEntry[] {
  const out: MapEntry[] = [];
  for (let pos = 0; pos < node.size; ) {
    const s = node.blockStatus(pos, node.size - pos);
    const e: MapEntry = {
      start: pos,
      length: s.length,
      depth: s.depth,
      present: s.present,
      zero: s.zero,
      data: s.data,
    };
    if (s.offset !== undefined) e.offset = s.offset;
    if (s.file !== undefined) e.file = s.file;
    const prev = out[out.length - 1];
    if (
      prev &&
      prev.depth === e.depth &&
      prev.present === e.present &&
      prev.zero === e.zero &&
      prev.data === e.data &&
      prev.file === e.file &&
      (prev.offset === undefined) === (e.offset === undefined) &&
      (prev.offset === undefined || prev.offset + prev.length === e.offset)
    ) {
      prev.length += e.length;
    } else out.push(e);
    pos += Math.max(1, s.length);
  }
  return out;
}

function map(args: string[]): number {
  const { opts, words } = parseArgs(args, []);
  const mode = outputMode(opts);
  if (words.length !== 1) throw new UserError("img map needs one FILE");
  const node = openForInspection(words[0]!);
  try {
    const entries = guarded(() => mapImage(node));
    if (mode === "json") {
      const rows = entries.map((e) => {
        const off = e.offset !== undefined ? `, "offset": ${e.offset}` : "";
        return `{ "start": ${e.start}, "length": ${e.length}, "depth": ${e.depth}, "present": ${e.present}, "zero": ${e.zero}, "data": ${e.data}${off}}`;
      });
      process.stdout.write(`[${rows.join(",\n")}]\n`);
    } else {
      const hex = (n: number) => (n === 0 ? "0" : `0x${n.toString(16)}`);
      const lines = [`${"Offset".padEnd(16)}${"Length".padEnd(16)}${"Mapped to".padEnd(16)}File`];
      for (const e of entries) {
        if (!e.data || e.offset === undefined) continue;
        lines.push(
          `${hex(e.start).padEnd(16)}${hex(e.length).padEnd(16)}${hex(e.offset).padEnd(16)}${e.file ?? ""}`,
        );
      }
      process.stdout.write(`${lines.join("\n")}\n`);
    }
    return 0;
  } finally {
    node.close();
  }
}

export const imgCommand: CliCommand = {
  name: "img",
  usage: USAGE,
  async run(args: string[]): Promise<number> {
    const [sub, ...rest] = args;
    switch (sub) {
      case "create":
        return create(rest);
      case "info":
        return info(rest);
      case "check":
        return check(rest);
      case "map":
        return map(rest);
      default:
        throw new UserError(
          sub === undefined ? USAGE : `unknown img subcommand '${sub}' (create, info, check, map)`,
        );
    }
  },
};
