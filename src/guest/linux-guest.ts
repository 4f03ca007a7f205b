// A bootable Linux guest from Debian's i386 packages: the 686 kernel's vmlinuz, and an initramfs
// with a static busybox, the modules an IDE disk needs, and an /init that runs the caller's script
// on the serial console and powers off. QEMU boots it with -kernel/-initrd. (The package's
// System.map is a placeholder; the running guest's /proc/kallsyms is the real listing: with the
// kallsyms option /init writes it to the second serial port, ttyS1, once the modules are loaded.)
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { type CpioEntry, S_IFCHR, S_IFDIR, S_IFLNK, S_IFREG, writeNewc } from "./cpio.ts";
import { GuestBuildError, newestPackage, unpackedPackage } from "./debian.ts";
import { indexModules, loadOrder } from "./kernel-module.ts";

/** What a guest is made of, as paths on the host. */
export interface LinuxGuest {
  /** The bzImage (boot/vmlinuz-VERSION). */
  readonly kernel: string;
  /** The gzip'd newc initramfs. */
  readonly initrd: string;
  /** The kernel release, e.g. 6.1.0-57-686. */
  readonly version: string;
}

export interface LinuxGuestOptions {
  /** The shell script /init runs (busybox sh) once the disk modules are loaded. */
  readonly script: string;
  /** Modules to load, with their dependencies; default: the IDE disk (ata_piix, sd_mod). */
  readonly modules?: readonly string[];
  /**
   * Write /proc/kallsyms (nm format, the loaded modules' symbols included) to /dev/ttyS1, the
   * second serial port (COM2: `--serial ... --serial file:PATH`), before the script runs.
   */
  readonly kallsyms?: boolean;
  /** Where packages and initramfs images are cached; default ~/.cache/pcscope/linux. */
  readonly cacheDir?: string;
  /** Receives one line per slow step (downloads, unpacking). */
  readonly progress?: (line: string) => void;
}

/** The modules an IDE disk on the PIIX3 needs; their dependencies come from each .ko. */
export const IDE_DISK_MODULES = ["ata_piix", "sd_mod"];

/** The newest Debian 686 kernel package name, e.g. linux-image-6.1.0-57-686-unsigned. */
const KERNEL_PACKAGE = "^linux-image-[0-9.]+-[0-9]+-686-unsigned$";

/** Marks /init prints, so tests and users can find them in a serial log. */
export const INIT_MARK = "pcscope-guest:";

/** The /init lines that copy /proc/kallsyms to ttyS1 byte for byte (raw: no CR before each LF). */
const KALLSYMS_TO_TTYS1 = `stty -F /dev/ttyS1 raw -echo && cat /proc/kallsyms > /dev/ttyS1 \\
  && echo "${INIT_MARK} kallsyms written to ttyS1" || echo "${INIT_MARK} kallsyms to ttyS1 failed"
`;

/**
 * The /init script: pseudo file systems, modules in order, the kallsyms dump when asked for, the
 * caller's script, power off.
 */
function initScript(modules: readonly string[], kallsyms: boolean): string {
  return `#!/bin/sh
# pcscope's guest init (src/guest/linux-guest.ts): mounts the pseudo file systems, loads the
# modules in dependency order, runs /guest/script.sh, reports its status and powers off.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "${INIT_MARK} init started"
for m in ${modules.join(" ")}; do
  insmod /lib/modules/$m.ko || echo "${INIT_MARK} insmod $m failed"
done
${kallsyms ? KALLSYMS_TO_TTYS1 : ""}sh /guest/script.sh
echo "${INIT_MARK} script exited with status $?"
poweroff -f
`;
}

/**
 * Builds (or finds in the cache) the guest running `options.script`. Downloads the newest 686
 * kernel and busybox-static the first time. Throws GuestBuildError with a line saying what to do
 * when Debian's tools or packages are missing.
 */
export function buildLinuxGuest(options: LinuxGuestOptions): LinuxGuest {
  const cacheDir = options.cacheDir ?? join(homedir(), ".cache", "pcscope", "linux");
  const progress = options.progress ?? (() => {});
  mkdirSync(cacheDir, { recursive: true });
  const kernelRoot = unpackedPackage(newestPackage(KERNEL_PACKAGE), "i386", cacheDir, progress);
  const busyboxRoot = unpackedPackage("busybox-static", "i386", cacheDir, progress);

  const vmlinuz = readdirSync(join(kernelRoot, "boot")).find((name) => name.startsWith("vmlinuz-"));
  if (vmlinuz === undefined) throw new GuestBuildError(`${kernelRoot}/boot holds no vmlinuz`);
  const version = vmlinuz.slice("vmlinuz-".length);
  const moduleDir = join(kernelRoot, "lib", "modules", version);
  const modules = loadOrder(options.modules ?? IDE_DISK_MODULES, indexModules(moduleDir));

  const dir = (path: string): CpioEntry => ({ path, mode: S_IFDIR | 0o755 });
  const file = (path: string, data: Uint8Array, mode = 0o644): CpioEntry => ({
    path,
    mode: S_IFREG | mode,
    data,
  });
  const names = modules.map((path) => path.slice(path.lastIndexOf("/") + 1, -".ko".length));
  const entries: CpioEntry[] = [
    ...["bin", "sbin", "dev", "proc", "sys", "tmp", "lib", "lib/modules", "guest"].map(dir),
    { path: "dev/console", mode: S_IFCHR | 0o600, rdev: [5, 1] },
    file("bin/busybox", readFileSync(join(busyboxRoot, "bin", "busybox")), 0o755),
    { path: "bin/sh", mode: S_IFLNK | 0o777, target: "busybox" },
    file("init", Buffer.from(initScript(names, options.kallsyms === true)), 0o755),
    file("guest/script.sh", Buffer.from(options.script), 0o755),
    ...modules.map((path, i) => file(`lib/modules/${names[i]}.ko`, readFileSync(path))),
  ];
  const image = gzipSync(writeNewc(entries), { level: 6 });
  const digest = createHash("sha256").update(image).digest("hex").slice(0, 16);
  const initrd = join(cacheDir, `initrd-${version}-${digest}.gz`);
  if (!existsSync(initrd)) writeFileSync(initrd, image);
  return {
    kernel: join(kernelRoot, "boot", vmlinuz),
    initrd,
    version,
  };
}
