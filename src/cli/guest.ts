// `pcscope guest linux`: builds a bootable Linux guest from Debian's i386 packages (src/guest) and
// prints where its kernel, initramfs and System.map are, with the QEMU command line that boots it.
import { readFileSync } from "node:fs";
import { GuestBuildError } from "../guest/debian.ts";
import { KernelModuleError } from "../guest/kernel-module.ts";
import { buildLinuxGuest, IDE_DISK_MODULES } from "../guest/linux-guest.ts";
import type { CliCommand } from "./command.ts";
import { UserError } from "./errors.ts";

const USAGE = `usage: pcscope guest linux [--script FILE | --run COMMANDS] [--module NAME]... [--kallsyms] [--cache DIR]
Builds a Linux guest from Debian's i386 packages: the newest linux-image-*-686-unsigned kernel and
an initramfs with busybox-static, the modules an IDE disk needs (${IDE_DISK_MODULES.join(", ")} and
their dependencies) and an /init that runs a script on the serial console, then powers off.
Needs apt with the i386 architecture (as root, once: dpkg --add-architecture i386 && apt-get update).
  --script FILE    the shell script /init runs (busybox sh)
  --run COMMANDS   the script as one argument (default: uname -a; cat /proc/cpuinfo)
  --module NAME    load NAME too (repeatable; dependencies are added)
  --kallsyms       /init writes /proc/kallsyms (nm format, module symbols too) to the second
                   serial port (ttyS1: --serial ... --serial file:kallsyms.nm) before the script;
                   the command lines printed then add that second port and nokaslr (KASLR's
                   entropy is the TSC: the listing then holds under QEMU too)
  --cache DIR      where packages and images are kept (default ~/.cache/pcscope/linux)
Prints the kernel and initrd paths and the pcscope and QEMU command lines that boot the guest.
The kernel's symbols: the guest's /proc/kallsyms (nm format) once it runs (--kallsyms).`;

const DEFAULT_SCRIPT = "uname -a\ncat /proc/cpuinfo\n";

/** Builds the guest described by argv (after `guest`) and prints where it is. */
async function run(args: string[]): Promise<number> {
  const [what, ...rest] = args;
  if (what !== "linux")
    throw new UserError(`guest: unknown guest '${what ?? ""}' (only 'linux'; see pcscope help guest)`);
  let script = DEFAULT_SCRIPT;
  let cacheDir: string | undefined;
  let kallsyms = false;
  const modules = [...IDE_DISK_MODULES];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const value = rest[i + 1];
    if (arg === "--kallsyms") {
      kallsyms = true;
      continue;
    }
    if (arg !== "--script" && arg !== "--run" && arg !== "--module" && arg !== "--cache") {
      throw new UserError(`guest: unknown option '${arg}' (see pcscope help guest)`);
    }
    if (value === undefined) throw new UserError(`guest: ${arg} needs a value`);
    i++;
    if (arg === "--script") {
      try {
        script = readFileSync(value, "utf8");
      } catch (err) {
        throw new UserError(`guest: --script ${value}: ${(err as Error).message}`);
      }
    } else if (arg === "--run") script = `${value}\n`;
    else if (arg === "--module") modules.push(value);
    else cacheDir = value;
  }
  try {
    const guest = buildLinuxGuest({
      script,
      modules,
      kallsyms,
      cacheDir,
      progress: (line) => process.stderr.write(`pcscope: ${line}\n`),
    });
    // cryptomgr.notests skips the kernel's crypto self-tests, a third of its start-up in pcscope.
    // nokaslr: KASLR takes its entropy from RDTSC, which counts instructions under pcscope but is
    // real time under QEMU; without it a listing holds under QEMU too.
    const append = `'console=ttyS0 panic=-1 cryptomgr.notests${kallsyms ? " nokaslr" : ""}'`;
    const com2 = kallsyms ? " --serial file:kallsyms.nm" : "";
    // -icount: QEMU's clock then counts instructions as pcscope's does; on the host clock, a QEMU
    // held up by the host's load loads modules at other addresses (test/guest/linux-boot.test.ts).
    const icount = kallsyms ? " -icount shift=3,sleep=off" : "";
    process.stdout.write(
      `kernel   ${guest.kernel}\ninitrd   ${guest.initrd}\n` +
        `pcscope run --mem 256M --cpu pentium2 --kernel ${guest.kernel} --initrd ${guest.initrd} ` +
        `--append ${append} --serial stdio${com2} --no-reboot\n` +
        `qemu-system-i386 -nodefaults -display none -M pc -m 256 -cpu pentium2 -kernel ${guest.kernel} ` +
        `-initrd ${guest.initrd} -append ${append} -serial stdio${com2.replace("--", "-")}${icount} -no-reboot\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof GuestBuildError || err instanceof KernelModuleError)
      throw new UserError(`guest: ${err.message}`);
    throw err;
  }
}

export const guestCommand: CliCommand = {
  name: "guest",
  usage: USAGE,
  run,
};
