// Shared setup for the SeaBIOS tests: a boot sector assembled by nasm, written into a raw image and
// converted to qcow2 by qemu-img, and the same machine run under QEMU for its debug log.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const SEABIOS = "/usr/share/seabios/bios.bin";
export const ROOT = join(import.meta.dirname, "../..");
export const CLI = join(ROOT, "bin/pcscope.js");

/** An MBR printing one line on the debug console, then writing 0 to isa-debug-exit at 0xf4. */
export const MBR_ASM = `bits 16
org 0x7c00
  cli
  xor ax, ax
  mov ds, ax
  mov si, msg
.l: lodsb
  test al, al
  jz .done
  mov dx, 0x402
  out dx, al
  jmp .l
.done:
  mov dx, 0xf4
  xor al, al
  out dx, al
  hlt
msg: db "MBR: hello from the boot sector", 10, 0
times 510-($-$$) db 0
dw 0xaa55
`;

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "pcscope-seabios-"));
}

/** Assembles `source` with nasm; returns the binary. */
export function nasm(dir: string, source: string): Uint8Array {
  const src = join(dir, "boot.asm");
  const out = join(dir, "boot.bin");
  writeFileSync(src, source);
  execFileSync("nasm", ["-f", "bin", src, "-o", out]);
  return readFileSync(out);
}

/** A 16 MiB qcow2 image (made by qemu-img) whose first sector is `mbr`. */
export function qcow2With(dir: string, name: string, mbr: Uint8Array): string {
  const raw = join(dir, `${name}.raw`);
  const img = join(dir, `${name}.qcow2`);
  const bytes = new Uint8Array(16 * 1024 * 1024);
  bytes.set(mbr, 0);
  writeFileSync(raw, bytes);
  execFileSync("qemu-img", ["convert", "-f", "raw", "-O", "qcow2", raw, img]);
  return img;
}

/** QEMU's `-M pc -m 32` with SeaBIOS and `disk`; returns the debug log text. */
export function qemuLog(dir: string, disk: string, extra: string[] = []): string {
  const log = join(dir, "qemu.log");
  const r = spawnSync(
    "qemu-system-i386",
    [
      ...["-nodefaults", "-display", "none", "-M", "pc", "-m", "32", "-bios", SEABIOS],
      ...["-drive", `file=${disk},format=qcow2,if=ide`, "-debugcon", `file:${log}`],
      ...["-global", "isa-debugcon.iobase=0x402", "-device", "isa-debug-exit,iobase=0xf4,iosize=1", ...extra],
    ],
    { timeout: 30_000 },
  );
  if (r.status !== 1) throw new Error(`qemu exited with ${r.status}: ${r.stderr}`);
  return readFileSync(log, "latin1");
}

/** Lines of `ours` that equal a line of `theirs`, each of theirs used once (multiset match). */
export function matchingLines(theirs: string[], ours: string[]): { matched: string[]; missing: string[] } {
  const pool = new Map<string, number>();
  for (const l of ours) pool.set(l, (pool.get(l) ?? 0) + 1);
  const matched: string[] = [];
  const missing: string[] = [];
  for (const l of theirs) {
    const n = pool.get(l) ?? 0;
    if (n > 0) {
      pool.set(l, n - 1);
      matched.push(l);
    } else missing.push(l);
  }
  return { matched, missing };
}
