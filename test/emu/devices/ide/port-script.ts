// Differential port scripts: the same list of port accesses run on QEMU (through its qtest protocol,
// `-qtest stdio`, no guest code runs) and on the pcscope rig, each giving the values read and the
// IRQ 14 edges in order. Only for sequences QEMU completes synchronously (no block I/O), so a batch
// needs no polling: IDENTIFY, register state, resets, ATAPI commands without medium access.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Rig, RigDrive } from "./ide-rig.ts";

/** One access: a write of `value`, or a read (its value left out of what is observed with "discard"). */
export type PortOp =
  | ["outb" | "outw" | "outl", number, number]
  | ["inb" | "inw" | "inl", number]
  | ["inb" | "inw" | "inl", number, "discard"];

/** True for a write. */
function isWrite(op: PortOp): op is ["outb" | "outw" | "outl", number, number] {
  return typeof op[2] === "number";
}

const SIZE = { b: 1, w: 2, l: 4 } as const;

/** What a script observed: one entry per read ("0x.."), and "irq+"/"irq-" for IRQ 14 edges. */
export type Observed = string[];

/** Runs the script on QEMU's i440fx PC with `drives` (raw images written to temporary files). */
export async function runOnQemu(drives: RigDrive[], ops: PortOp[]): Promise<Observed> {
  const args = ["-M", "pc", "-nodefaults", "-display", "none", "-qtest", "stdio", "-qtest-log", "/dev/null"];
  for (const d of drives) {
    let file = "";
    if (d.image !== null) {
      file = join(tmpdir(), `pcscope-ide-qtest-${process.pid}-${d.index}.raw`);
      writeFileSync(file, d.image);
      file = `file=${file},format=raw,`;
    }
    args.push("-drive", `${file}if=ide,index=${d.index},media=${d.media}`);
  }
  const lines = ["irq_intercept_in ioapic"];
  for (const op of ops)
    lines.push(
      isWrite(op)
        ? `${op[0]} 0x${op[1].toString(16)} 0x${op[2].toString(16)}`
        : `${op[0]} 0x${op[1].toString(16)}`,
    );
  const stdout = await new Promise<string>((resolve, reject) => {
    const qemu = spawn("qemu-system-i386", args, { stdio: ["pipe", "pipe", "inherit"] });
    let text = "";
    let replies = 0;
    const timer = setTimeout(() => qemu.kill("SIGKILL"), 20_000);
    qemu.stdout.setEncoding("utf8");
    qemu.stdout.on("data", (chunk: string) => {
      text += chunk;
      replies = text
        .split("\n")
        .filter((l) => l === "OK" || l.startsWith("OK ") || l.startsWith("FAIL")).length;
      if (replies === lines.length) qemu.kill("SIGKILL");
    });
    qemu.on("error", reject);
    qemu.on("exit", () => {
      clearTimeout(timer);
      if (replies === lines.length) resolve(text);
      else reject(new Error(`qtest: ${replies} of ${lines.length} replies:\n${text.slice(-500)}`));
    });
    qemu.stdin.end(`${lines.join("\n")}\n`);
  });
  const out: Observed = [];
  let reply = -1; // the first reply is the intercept's
  for (const line of stdout.split("\n")) {
    if (line === "IRQ raise 14") out.push("irq+");
    else if (line === "IRQ lower 14") out.push("irq-");
    else if (line === "" || line.startsWith("IRQ")) continue;
    else if (line.startsWith("OK")) {
      const op = ops[reply++];
      if (line.startsWith("OK 0x") && op?.[2] !== "discard")
        out.push(`0x${Number.parseInt(line.slice(3), 16).toString(16)}`);
    } else throw new Error(`qtest: ${line}`);
  }
  return out;
}

/** Runs the script on the rig. */
export function runOnRig(rig: Rig, ops: PortOp[]): Observed {
  const out: Observed = [];
  let seen = rig.irq14.length;
  const edges = () => {
    for (; seen < rig.irq14.length; seen++) out.push(rig.irq14[seen] ? "irq+" : "irq-");
  };
  for (const op of ops) {
    const size = SIZE[op[0].at(-1) as "b" | "w" | "l"];
    if (isWrite(op)) {
      rig.io.out(op[1], size, op[2]);
      edges();
    } else {
      const v = rig.io.in(op[1], size);
      edges();
      if (op[2] !== "discard") out.push(`0x${v.toString(16)}`);
    }
  }
  return out;
}
