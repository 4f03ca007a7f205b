// QEMU's command line for a machine `pcscope run` options describe (README's "QEMU spelling" column):
// the minimal i440fx PC of PEERS.md with the same firmware, RAM, CPU model, RTC date, debug consoles,
// isa-debug-exit, drives, boot order and kernel. QEMU's consoles write nowhere (its twin in pcscope
// prints what the guest says), and pcscope's bare machine becomes QEMU's `-M pc`, as the test ROMs run.
import { DEFAULT_CPU_MODEL, QEMU_MODEL_NAMES } from "../emu/cpu/cpuid-models.ts";
import { DEBUGCON_DEFAULT_PORT } from "../emu/devices/debugcon.ts";
import { DEFAULT_RTC_BASE } from "../emu/devices/mc146818.ts";
import type { ResolvedRunConfig, RtcBase } from "../emu/machine/run-config.ts";

/** Options QEMU cannot be given the same way: the message says which. */
export class QemuMappingError extends Error {
  override name = "QemuMappingError";
}

const MiB = 1024 * 1024;

/** `0x402`. */
function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** A size in QEMU's -m spelling (whole MiB, else KiB). */
function size(bytes: number): string {
  return bytes % MiB === 0 ? `${bytes / MiB}M` : `${Math.ceil(bytes / 1024)}K`;
}

/**
 * QEMU's -rtc for `base` (null: pcscope's fixed default date): the same start, on QEMU's virtual
 * clock (clock=vm), which like pcscope's stands still while the machine is stopped.
 */
export function qemuRtcArg(base: RtcBase | null): string {
  const date = (d: Date) => d.toISOString().slice(0, 19);
  const start = base === null ? date(DEFAULT_RTC_BASE) : base.kind === "date" ? date(base.date) : base.kind;
  return `base=${start},clock=vm`;
}

/**
 * The arguments after `qemu-system-i386` (without the gdb stub's) for `config`, whose drives are
 * the files QEMU may open (the caller's copies). Throws QemuMappingError for what has no equivalent
 * in this mapping: pcscope's own CPU model and NUMA nodes (the caller refuses more than one vCPU).
 */
export function qemuArgsFor(config: ResolvedRunConfig): string[] {
  const opts = config.options;
  const model = opts.cpu ?? DEFAULT_CPU_MODEL;
  if (!QEMU_MODEL_NAMES.includes(model))
    throw new QemuMappingError(`--cpu ${model} is pcscope's own model; QEMU has no such CPU`);
  if (opts.pc.numa.length > 0) throw new QemuMappingError("diff does not map --numa to QEMU");
  let mem = size(opts.memBytes);
  if (opts.pc.maxMemBytes !== null) mem += `,slots=${opts.pc.memSlots},maxmem=${size(opts.pc.maxMemBytes)}`;
  const args = ["-nodefaults", "-display", "none", "-M", "pc", "-m", mem, "-cpu", model];
  args.push("-bios", config.firmware, "-rtc", qemuRtcArg(opts.pc.rtcBase));
  const defaultPort = opts.debugconDefaultPort ?? DEBUGCON_DEFAULT_PORT;
  config.debugcons.forEach((con, i) => {
    args.push(
      "-chardev",
      `null,id=pcscope-dc${i}`,
      "-device",
      `isa-debugcon,iobase=${hex(con.port ?? defaultPort)},chardev=pcscope-dc${i}`,
    );
  });
  if (opts.debugExit !== null)
    args.push(
      "-device",
      `isa-debug-exit,iobase=${hex(opts.debugExit.port)},iosize=${hex(opts.debugExit.size)}`,
    );
  if (opts.noReboot) args.push("-no-reboot");
  if (!config.pc) return args;
  for (const drive of config.drives) {
    // QEMU's option syntax doubles a comma inside a value.
    const props = [`file=${drive.file.replaceAll(",", ",,")}`, "if=ide", `media=${drive.media}`];
    if (drive.format !== null) props.push(`format=${drive.format}`);
    if (drive.index !== null) props.push(`index=${drive.index}`);
    if (drive.readOnly) props.push("readonly=on");
    args.push("-drive", props.join(","));
  }
  if (opts.pc.boot !== null) args.push("-boot", `order=${opts.pc.boot}`);
  for (let i = 0; i < opts.pc.serials.length; i++) args.push("-serial", "null");
  if (opts.pc.kernel !== null) args.push("-kernel", opts.pc.kernel);
  if (opts.pc.initrd !== null) args.push("-initrd", opts.pc.initrd);
  if (opts.pc.append !== null) args.push("-append", opts.pc.append);
  return args;
}
