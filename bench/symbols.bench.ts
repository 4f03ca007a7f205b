// Symbol table speed on real listings: loading (parse + address index) and address lookups.
// Listings are made here with binutils' nm from a linked binary (node itself has ~100k symbols);
// the 200,000-line listing is that one plus a copy moved to kernel-style ffffffff8... addresses.
// Peers: `nm -n -S` producing the listing (load), `addr2line -f` resolving addresses (lookups).
// When /proc/kallsyms is readable with real addresses it is loaded too: a live kernel System.map.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SymbolTable } from "../src/symbols/index.ts";
import { median, report } from "./lib/report.ts";

const TARGET_LINES = 200_000;
const LOOKUPS = 1_000_000;
const RUNS = 7;
const PEER_LOOKUPS = 2000;
const KERNEL_BASE = 0xffffffff80000000n;

/** nm's stdout, or null when nm is missing or fails. */
function nm(args: string[]): string | null {
  try {
    return execFileSync("nm", args, {
      encoding: "utf8",
      maxBuffer: 1 << 29,
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return null;
  }
}

/** CPU milliseconds (user + system) of every `time` call, for notes on a shared, busy machine. */
let lastCpuMs = 0;

/** Wall-clock milliseconds `fn` takes (its CPU time is left in lastCpuMs). */
function time(fn: () => void): number {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  lastCpuMs = (used.user + used.system) / 1000;
  return wall;
}

/** A synthetic kernel-style BSD listing of `lines` sized text symbols (used when nm is missing). */
function syntheticListing(lines: number): string {
  const out: string[] = [];
  let address = KERNEL_BASE + 0x100000n;
  for (let i = 0; i < lines; i++) {
    const size = BigInt(16 + ((i * 2654435761) % 1024));
    out.push(`${address.toString(16)} ${size.toString(16).padStart(16, "0")} T sym_${i}`);
    address += size + 16n;
  }
  return `${out.join("\n")}\n`;
}

/** Grows a BSD listing to exactly `lines` lines by appending copies moved up to kernel addresses. */
function growListing(text: string, lines: number): string {
  const base = text.split("\n").filter((l) => l.length > 0);
  const out = base.slice(0, lines);
  for (let copy = 1; out.length < lines; copy++) {
    const bias = KERNEL_BASE + BigInt(copy) * 0x10000000n;
    for (const line of base) {
      if (out.length >= lines) break;
      const addr = /^[0-9a-f]{16}/.exec(line);
      out.push(addr ? `${(BigInt(`0x${addr[0]}`) + bias).toString(16)}${line.slice(16)}` : line);
    }
  }
  return `${out.join("\n")}\n`;
}

/** Median wall and CPU milliseconds to load `path` into a fresh table and build its address index. */
function loadTime(path: string): { ms: number; cpuMs: number; table: SymbolTable } {
  let table = new SymbolTable();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    times.push(
      time(() => {
        table = new SymbolTable();
        table.addFile(path);
        table.prepare();
      }),
    );
    cpu.push(lastCpuMs);
  }
  return { ms: median(times), cpuMs: median(cpu), table };
}

/** This machine's /proc/kallsyms (a live System.map) when readable with real addresses, else null. */
function readKallsyms(): { text: string; lines: number; readMs: number } | null {
  try {
    const t0 = performance.now();
    const text = readFileSync("/proc/kallsyms", "utf8");
    const readMs = performance.now() - t0;
    if (text.startsWith("0000000000000000")) return null;
    return { text, lines: text.split("\n").length - 1, readMs };
  } catch {
    return null;
  }
}

/** Query addresses as hi/lo halves: symbol starts plus offsets, spread over the whole table. */
function queries(table: SymbolTable, count: number): { hi: Uint32Array; lo: Uint32Array } {
  const hi = new Uint32Array(count);
  const lo = new Uint32Array(count);
  let x = 0x9e3779b9;
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const s = table.symbol(x % table.count);
    const a = s.address + BigInt(x % 256);
    hi[i] = Number(a >> 32n);
    lo[i] = Number(a & 0xffffffffn);
  }
  return { hi, lo };
}

/** Median lookups per second of findIndex over the query set, by wall clock and by CPU time. */
function lookupRate(
  table: SymbolTable,
  q: { hi: Uint32Array; lo: Uint32Array },
): { wall: number; cpu: number } {
  const rates: number[] = [];
  const cpuRates: number[] = [];
  let sink = 0;
  for (let run = 0; run < RUNS; run++) {
    const ms = time(() => {
      for (let i = 0; i < q.hi.length; i++) sink += table.findIndex(q.hi[i]!, q.lo[i]!);
    });
    rates.push(q.hi.length / (ms / 1000));
    cpuRates.push(q.hi.length / (lastCpuMs / 1000));
  }
  if (sink === 0.5) process.stdout.write("");
  return { wall: median(rates), cpu: median(cpuRates) };
}

/** addr2line -f lookups per second on `count` addresses of `binary` (process start included), or null. */
function addr2lineRate(binary: string, table: SymbolTable, count: number): number | null {
  const q = queries(table, count);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const a = (BigInt(q.hi[i]!) << 32n) | BigInt(q.lo[i]!);
    if (a < KERNEL_BASE) lines.push(`0x${a.toString(16)}`);
  }
  const t0 = performance.now();
  const r = spawnSync("addr2line", ["-f", "-e", binary], { input: lines.join("\n"), maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (r.status !== 0) return null;
  return lines.length / (ms / 1000);
}

/** Measures and reports every symbol figure. */
export default async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "pcscope-symbench-"));
  try {
    const binary = process.execPath;
    const t0 = performance.now();
    const listing = nm(["-n", "-S", binary]);
    const nmMs = performance.now() - t0;
    const realLines = listing === null ? 0 : listing.split("\n").length - 1;
    const haveReal = listing !== null && realLines > 10_000;

    if (haveReal) {
      const nmTimes = [nmMs];
      for (let run = 1; run < RUNS; run++) nmTimes.push(time(() => nm(["-n", "-S", binary])));
      const path = join(dir, "node.nm");
      writeFileSync(path, listing);
      const { ms, cpuMs } = loadTime(path);
      report({
        name: `load nm -n -S listing of node (${realLines} lines)`,
        unit: "ms",
        ours: ms,
        peer: median(nmTimes),
        peerName: "nm -n -S producing it",
        higherIsBetter: false,
        note: `CPU ${cpuMs.toFixed(0)} ms`,
      });
    }

    const kallsyms = readKallsyms();
    if (kallsyms !== null) {
      const path = join(dir, "kallsyms.nm");
      writeFileSync(path, kallsyms.text);
      const { ms, cpuMs, table } = loadTime(path);
      const probe = queries(table, LOOKUPS);
      report({
        name: `load this machine's /proc/kallsyms (${kallsyms.lines} lines, System.map form)`,
        unit: "ms",
        ours: ms,
        peer: kallsyms.readMs,
        peerName: "the kernel producing /proc/kallsyms",
        higherIsBetter: false,
        note: `CPU ${cpuMs.toFixed(0)} ms; its lookups ${(lookupRate(table, probe).wall / 1e6).toFixed(2)}M/s`,
      });
    }

    const big = haveReal ? growListing(listing!, TARGET_LINES) : syntheticListing(TARGET_LINES);
    const bigPath = join(dir, "big.nm");
    writeFileSync(bigPath, big);
    const { ms: bigMs, cpuMs: bigCpuMs, table } = loadTime(bigPath);
    report({
      name: `load ${TARGET_LINES}-line listing (parse + address index)`,
      unit: "ms",
      ours: bigMs,
      peer: null,
      peerName: "nm",
      higherIsBetter: false,
      note: `goal < 300 ms; CPU ${bigCpuMs.toFixed(0)} ms; ${haveReal ? "node's listing + a copy at ffffffff8... addresses" : "synthetic, nm missing (binutils)"}`,
    });

    const q = queries(table, LOOKUPS);
    const rate = lookupRate(table, q);
    const peerRate =
      haveReal && existsSync("/usr/bin/addr2line") ? addr2lineRate(binary, table, PEER_LOOKUPS) : null;
    report({
      name: `address lookups on the ${TARGET_LINES}-symbol table (findIndex)`,
      unit: "lookups/s",
      ours: rate.wall,
      peer: peerRate,
      peerName: "addr2line -f",
      higherIsBetter: true,
      note: `goal > 1,000,000/s; by CPU time ${(rate.cpu / 1e6).toFixed(2)}M/s; peer: ${PEER_LOOKUPS} addresses in one addr2line process, start-up included`,
    });

    const labels: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const n = 100_000;
      const ms = time(() => {
        for (let i = 0; i < n; i++) table.resolve((BigInt(q.hi[i]!) << 32n) | BigInt(q.lo[i]!));
      });
      labels.push(n / (ms / 1000));
    }
    report({
      name: "resolve() to name+0xoff (bigint in, object out)",
      unit: "lookups/s",
      ours: median(labels),
      peer: null,
      peerName: "addr2line",
      higherIsBetter: true,
      note: "the convenience path; findIndex is the allocation-free one",
    });

    table.search("x", 1);
    const searches: number[] = [];
    for (const query of ["mutex", "OnFatal", "v8intern", "zlib", "spllower"]) {
      searches.push(time(() => table.search(query, 20)));
    }
    report({
      name: `fuzzy search over ${table.count} symbols (top 20)`,
      unit: "ms",
      ours: median(searches),
      peer: null,
      peerName: "gdb",
      higherIsBetter: false,
      note: "median of 5 queries, after the first search built the folded names",
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
