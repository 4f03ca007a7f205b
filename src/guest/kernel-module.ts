// Linux kernel modules (.ko, ELF relocatable objects): their .modinfo strings (name=, depends=) and
// the load order of a set of modules with everything they depend on.
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

const ELF_MAGIC = 0x464c457f; // "\x7fELF" read little-endian
const ELFCLASS32 = 1;
const ELFCLASS64 = 2;

/** Thrown for a file that is not a readable ELF module; the message names it. */
export class KernelModuleError extends Error {}

/**
 * Returns the key=value strings of an ELF object's .modinfo section (a module's name, license,
 * depends, alias...). Needs a little-endian ELF32 or ELF64 file.
 */
export function readModinfo(elf: Buffer, file: string): Map<string, string> {
  if (elf.length < 64 || elf.readUInt32LE(0) !== ELF_MAGIC)
    throw new KernelModuleError(`${file}: not an ELF file`);
  const is64 = elf[4] === ELFCLASS64;
  if (!is64 && elf[4] !== ELFCLASS32) throw new KernelModuleError(`${file}: unknown ELF class ${elf[4]}`);
  const shoff = is64 ? Number(elf.readBigUInt64LE(0x28)) : elf.readUInt32LE(0x20);
  const shentsize = elf.readUInt16LE(is64 ? 0x3a : 0x2e);
  const shnum = elf.readUInt16LE(is64 ? 0x3c : 0x30);
  const shstrndx = elf.readUInt16LE(is64 ? 0x3e : 0x32);
  const section = (i: number) => {
    const at = shoff + i * shentsize;
    if (at + shentsize > elf.length) throw new KernelModuleError(`${file}: section table out of bounds`);
    return {
      name: elf.readUInt32LE(at),
      offset: is64 ? Number(elf.readBigUInt64LE(at + 0x18)) : elf.readUInt32LE(at + 0x10),
      size: is64 ? Number(elf.readBigUInt64LE(at + 0x20)) : elf.readUInt32LE(at + 0x14),
    };
  };
  const names = section(shstrndx);
  const info = new Map<string, string>();
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    const nameEnd = elf.indexOf(0, names.offset + s.name);
    if (elf.toString("latin1", names.offset + s.name, nameEnd) !== ".modinfo") continue;
    if (s.offset + s.size > elf.length) throw new KernelModuleError(`${file}: .modinfo out of bounds`);
    for (const entry of elf.toString("latin1", s.offset, s.offset + s.size).split("\0")) {
      const eq = entry.indexOf("=");
      if (eq > 0 && !info.has(entry.slice(0, eq))) info.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
    return info;
  }
  throw new KernelModuleError(`${file}: no .modinfo section (not a kernel module)`);
}

/** A module's canonical name: the kernel treats '-' and '_' alike and reports '_'. */
export function moduleName(name: string): string {
  return name.replace(/-/g, "_");
}

/** Maps every module under `dir` (recursively) by canonical name to its .ko path. */
export function indexModules(dir: string): Map<string, string> {
  const index = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ko")) index.set(moduleName(basename(entry.name, ".ko")), path);
    }
  };
  walk(dir);
  return index;
}

/**
 * Returns the .ko paths to load, dependencies before dependents, for `wanted` and all they depend
 * on (from each module's depends=). Throws KernelModuleError naming a module that is missing.
 */
export function loadOrder(wanted: readonly string[], index: ReadonlyMap<string, string>): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, neededBy: string | null) => {
    const canonical = moduleName(name);
    if (state.get(canonical) === "done" || state.get(canonical) === "visiting") return;
    const path = index.get(canonical);
    if (path === undefined) {
      const why = neededBy === null ? "" : ` (needed by ${neededBy})`;
      throw new KernelModuleError(`kernel module ${canonical} not found${why}`);
    }
    state.set(canonical, "visiting");
    const depends = readModinfo(readFileSync(path), path).get("depends") ?? "";
    for (const dep of depends.split(",")) if (dep !== "") visit(dep, canonical);
    state.set(canonical, "done");
    order.push(path);
  };
  for (const name of wanted) visit(name, null);
  return order;
}
