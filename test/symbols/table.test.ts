// SymbolTable lookups on small synthetic listings: preference at one address, sizes, enclosing
// symbols, 64-bit kernel addresses (the NetBSD spllower case), biases, several files, name lookups
// and the fuzzy search ranking.
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parseAddress, SymbolTable } from "../../src/symbols/index.ts";

/** A table of one BSD listing given as lines. */
function table(lines: string[], name = "t.nm"): SymbolTable {
  const t = new SymbolTable();
  const r = t.addText(lines.join("\n"), name);
  expect(r.errors).toEqual([]);
  return t;
}

/** The label for an address, or null. */
function label(t: SymbolTable, address: bigint): string | null {
  return t.resolve(address)?.label ?? null;
}

describe("address lookups", () => {
  it("prefers code over data and globals over locals at one address, whatever the listing order", () => {
    const t = table([
      "0000000000001000 d data_local",
      "0000000000001000 D data_global",
      "0000000000001000 t text_local",
      "0000000000001000 T text_global",
      "0000000000002000 D only_data",
      "0000000000002000 t only_local_text",
    ]);
    expect(label(t, 0x1000n)).toBe("text_global");
    expect(label(t, 0x1004n)).toBe("text_global+0x4");
    expect(label(t, 0x2010n)).toBe("only_local_text+0x10");
    expect(label(t, 0xfffn)).toBeNull();
  });

  it("lets a sized symbol that ends at 2^64 cover the top address (found by the nm fuzz)", () => {
    const t = table([
      "0000000000000000 T low",
      "fffffffffffffff0 0000000000000010 T top",
      "ffffffffffffff00 0000000000000100 T outer",
    ]);
    expect(label(t, 0xfffffffffffffffen)).toBe("top+0xe");
    expect(label(t, 0xffffffffffffffffn)).toBe("top+0xf");
    const u = table(["0000000000000001 ffffffffffffffff T all", "0000000000000000 T zero"]);
    expect(label(u, 0xffffffffffffffffn)).toBe("all+0xfffffffffffffffe");
    const v = table(["ffffffffffffff00 0000000000000100 T outer", "fffffffffffffff0 t inner_label"]);
    expect(label(v, 0xffffffffffffffffn)).toBe("inner_label+0xf");
  });

  it("respects sizes: past a sized symbol's end is not attributed to it", () => {
    const t = table([
      "0000000000001000 0000000000000010 T sized",
      "0000000000002000 T unsized",
      "0000000000003000 0000000000000004 D var",
    ]);
    expect(label(t, 0x100fn)).toBe("sized+0xf");
    expect(label(t, 0x1010n)).toBeNull();
    expect(label(t, 0x1fffn)).toBeNull();
    expect(label(t, 0x2fffn)).toBe("unsized+0xfff");
    expect(label(t, 0x3003n)).toBe("var+0x3");
    expect(label(t, 0x3004n)).toBeNull();
  });

  it("falls back to the innermost enclosing sized symbol", () => {
    const t = table([
      "0000000000001000 0000000000000100 T outer",
      "0000000000001010 t .Llabel",
      "0000000000001040 0000000000000020 t inner",
      "0000000000001080 0000000000000004 r table",
      "0000000000001200 0000000000000010 T after",
    ]);
    expect(label(t, 0x1020n)).toBe(".Llabel+0x10");
    expect(label(t, 0x1050n)).toBe("inner+0x10");
    expect(label(t, 0x1070n)).toBe("outer+0x70");
    expect(label(t, 0x1090n)).toBe("outer+0x90");
    expect(label(t, 0x1100n)).toBeNull();
    expect(label(t, 0x1205n)).toBe("after+0x5");
  });

  it("uses an unsized alias at the same address past a sized symbol's end", () => {
    const t = table([
      "0000000000001000 0000000000000010 T f",
      "0000000000001000 t f_alias",
      "0000000000002000 T g",
    ]);
    expect(label(t, 0x1008n)).toBe("f+0x8");
    expect(label(t, 0x1018n)).toBe("f_alias+0x18");
  });

  it("returns the symbol details and the offset", () => {
    const t = table(["ffffffff81000000 0000000000000040 T _text"]);
    const r = t.resolve(0xffffffff81000010n)!;
    expect(r.offset).toBe(0x10n);
    expect(r.symbol).toMatchObject({
      name: "_text",
      address: 0xffffffff81000000n,
      size: 0x40n,
      type: "T",
      text: true,
    });
  });
});

describe("64-bit kernel addresses (ffffffff8...) stay exact", () => {
  // The NetBSD/amd64 hang from the seed: instruction pointers read from the QEMU monitor,
  // resolved with netbsd-INSTALL.symbols (an nm listing), neighbours one byte apart.
  const kernel = [
    "ffffffff80100000 T start",
    "ffffffff801157a0 T spllower",
    "ffffffff801157a6 T spllower_end_marker_before",
    "ffffffff801157a7 T spllower_exact",
    "ffffffff801157a8 T splraise",
    "ffffffff80424b90 T sleepq_abort",
    "ffffffff804290a0 T kpause",
    "ffffffff80474800 T cache_lock_cpus",
    "ffffffff80474a00 T cache_reclaim",
    "ffffffff80474f80 T cache_thread",
    "ffffffff804f9b80 T mutex_enter",
    "ffffffff80500000 D namecache_lock",
  ];

  it("resolves each address to its exact neighbour, where a float would round", () => {
    const t = table(kernel);
    expect(label(t, 0xffffffff801157a6n)).toBe("spllower_end_marker_before");
    expect(label(t, 0xffffffff801157a7n)).toBe("spllower_exact");
    expect(label(t, 0xffffffff801157a8n)).toBe("splraise");
    // The same three addresses are one float apart from nothing: all round to one double.
    expect(Number(0xffffffff801157a6n)).toBe(Number(0xffffffff801157a8n));
  });

  it("resolves the seed's instruction pointers", () => {
    const t = table(kernel.filter((l) => !l.includes("spllower_") && !l.includes("splraise")));
    expect(label(t, 0xffffffff801157a7n)).toBe("spllower+0x7");
    expect(label(t, 0xffffffff804f9b91n)).toBe("mutex_enter+0x11");
    expect(label(t, 0xffffffff80474880n)).toBe("cache_lock_cpus+0x80");
    expect(label(t, 0xffffffff804290e8n)).toBe("kpause+0x48");
    expect(label(t, 0xffffffff80424bd8n)).toBe("sleepq_abort+0x48");
    expect(label(t, 0xffffffff80474fd0n)).toBe("cache_thread+0x50");
    expect(label(t, 0xffffffff80474ae0n)).toBe("cache_reclaim+0xe0");
    expect(t.lookupName("spllower")[0]!.address).toBe(0xffffffff801157a0n);
  });

  it("reads a gzipped kernel listing by its magic, not its name", () => {
    const t = new SymbolTable();
    const r = t.addBytes(gzipSync(Buffer.from(kernel.join("\n"))), "netbsd-INSTALL.symbols");
    expect(r.errors).toEqual([]);
    expect(label(t, 0xffffffff801157a7n)).toBe("spllower_exact");
  });
});

describe("several files with load biases", () => {
  it("biases every non-absolute address, modulo 2^64", () => {
    const t = new SymbolTable();
    t.addText("0000000000000000 T kernel_entry\n0000000000000100 T kernel_main\n", "kernel.nm");
    t.addText("0000000000001000 T mod_init\n0000000000000001 A ABS_CONST\n", "module.nm", {
      bias: 0xffffffffc0000000n,
    });
    t.addText("0000000000001000 T wrapped\n", "wrap.nm", { bias: parseAddress("-0x800")! });
    expect(label(t, 0x104n)).toBe("kernel_main+0x4");
    const mod = t.resolve(0xffffffffc0001008n)!;
    expect(mod.label).toBe("mod_init+0x8");
    expect(mod.symbol.file).toBe("module.nm");
    expect(t.lookupName("ABS_CONST")[0]!.address).toBe(1n);
    expect(t.lookupName("wrapped")[0]!.address).toBe(0x800n);
    expect(t.loads.map((l) => l.file)).toEqual(["kernel.nm", "module.nm", "wrap.nm"]);
  });

  it("collects the errors of every file", () => {
    const t = new SymbolTable();
    t.addText("0000000000001000 T\n", "a.nm");
    t.addText("0000000000001000 T ok\n0000000000001000\n", "b.nm");
    expect(t.errors.map((e) => `${e.file}:${e.line}`)).toEqual(["a.nm:1", "b.nm:2"]);
    expect(label(t, 0x1000n)).toBe("ok");
  });
});

describe("name lookups", () => {
  const t = table([
    "0000000000001000 T mutex_enter",
    "0000000000001100 T mutex_exit",
    "0000000000001200 t mutex_enter_slow",
    "0000000000002000 D mutex_stats",
    "0000000000003000 t cache_thread",
    "0000000000004000 t static_fn",
    "0000000000005000 t static_fn",
    "0000000000006000 T MUTEX_ENTER",
    "0000000000007000 T my_mutex_enter",
    "0000000000008000 T xmutexenter",
    "0000000000009000 T m_u_t_e_x",
  ]);

  it("finds every exact match first, then prefix matches (code first, shorter first)", () => {
    expect(t.lookupName("static_fn").map((s) => s.address)).toEqual([0x4000n, 0x5000n]);
    expect(t.lookupName("mutex_e").map((s) => s.name)).toEqual([
      "mutex_exit",
      "mutex_enter",
      "mutex_enter_slow",
    ]);
    expect(t.lookupName("mutex_").map((s) => s.name)).toEqual([
      "mutex_exit",
      "mutex_enter",
      "mutex_enter_slow",
      "mutex_stats",
    ]);
    expect(t.lookupName("nothing")).toEqual([]);
  });

  it("ranks fuzzy matches: exact, case-folded, prefix, word start, substring, subsequence", () => {
    expect(t.search("mutex_enter", 10).map((s) => s.name)).toEqual([
      "mutex_enter",
      "MUTEX_ENTER",
      "mutex_enter_slow",
      "my_mutex_enter",
    ]);
    expect(t.search("mutex", 4).map((s) => s.name)).toEqual([
      "mutex_exit",
      "mutex_enter",
      "mutex_stats",
      "MUTEX_ENTER",
    ]);
    expect(t.search("mtx", 10).map((s) => s.name)).toContain("mutex_enter");
    expect(t.search("mutexenter", 10).map((s) => s.name)).toEqual([
      "xmutexenter",
      "mutex_enter",
      "MUTEX_ENTER",
      "my_mutex_enter",
      "mutex_enter_slow",
    ]);
    expect(t.search("zzz", 10)).toEqual([]);
    expect(t.search("", 10)).toEqual([]);
  });

  it("searches with the first 256 characters of a longer query (a pasted long name finds itself)", () => {
    const long = `_ZN${"NamespaceName".repeat(40)}E`;
    const table = new SymbolTable();
    table.addText(`0000000000001000 T ${long}\n0000000000002000 T other\n`, "cxx.nm");
    expect(table.search(`${long} (pasted with more text)`, 10).map((s) => s.name)).toEqual([long]);
  });
});

describe("parseAddress", () => {
  it("accepts 0x-prefixed and bare hex up to 64 bits", () => {
    expect(parseAddress("0xffffffff801157a7")).toBe(0xffffffff801157a7n);
    expect(parseAddress("FFFFFFFF801157A7")).toBe(0xffffffff801157a7n);
    expect(parseAddress(" 0x10 ")).toBe(16n);
    expect(parseAddress("-0x1")).toBe(0xffffffffffffffffn);
  });

  it("rejects junk and values wider than 64 bits", () => {
    for (const bad of ["", "0x", "0xzz", "12g", "0x1ffffffffffffffff", "1.5", "--1"])
      expect(parseAddress(bad)).toBeNull();
  });
});
