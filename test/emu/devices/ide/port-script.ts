// Differential port scripts: the same list of port and memory accesses run on QEMU (through its
// qtest protocol, `-qtest stdio`, no guest code runs) and on the pcscope rig, each giving the values
// read and the IRQ 14 edges in order. QEMU gets one command at a time, so its main loop completes
// block I/O in between; a "poll" step reads a port until it shows a value (QEMU may need several
// reads while a request is in flight; the rig, whose block layer completes before the next access,
// must show it at once) and records nothing else.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { expect } from "vitest";
import { type Rig, type RigDrive, tempDir } from "./ide-rig.ts";

type In = "inb" | "inw" | "inl";
type Out = "outb" | "outw" | "outl";

/** One step: a port write; a port read (left out of what is observed with "discard"); a guest memory write or read; a poll. */
export type PortOp =
  | [Out, number, number]
  | [In, number]
  | [In, number, "discard"]
  | ["memwrite", number, Uint8Array]
  | ["memread", number, number]
  | ["poll", number, number, number];

const SIZE = { b: 1, w: 2, l: 4 } as const;
/** Reads a poll makes on QEMU before it gives up. */
const POLL_LIMIT = 10_000;

/** What a script observed: one entry per read ("0x.." or memory as hex), "irq+"/"irq-" for IRQ 14 edges. */
export type Observed = string[];

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const sizeOf = (op: In | Out) => SIZE[op.at(-1) as "b" | "w" | "l"];

/** A qtest session: one command in flight, IRQ 14 edges collected as they arrive. */
class Qtest {
  private readonly pending: ((line: string) => void)[] = [];
  readonly edges: string[] = [];
  readonly done: Promise<void>;
  /** Resolves once QEMU logged that the qtest connection is open (commands sent earlier can be lost). */
  readonly opened: Promise<void>;
  private readonly proc;

  constructor(args: string[]) {
    this.proc = spawn("qemu-system-i386", args, { stdio: ["pipe", "pipe", "pipe"] });
    const log = createInterface({ input: this.proc.stderr });
    this.opened = new Promise((resolve) => {
      log.on("line", (line) => {
        if (line.endsWith("OPENED")) resolve();
      });
    });
    const lines = createInterface({ input: this.proc.stdout });
    lines.on("line", (line) => {
      if (line === "IRQ raise 14") this.edges.push("irq+");
      else if (line === "IRQ lower 14") this.edges.push("irq-");
      else if (!line.startsWith("IRQ")) this.pending.shift()?.(line);
    });
    this.done = new Promise((resolve, reject) => {
      this.proc.on("error", reject);
      this.proc.on("exit", () => resolve());
    });
  }

  /** Sends one command; resolves with its reply line ("OK ..."), rejects on anything else. */
  command(line: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.pending.push((reply) =>
        reply.startsWith("OK") ? resolve(reply) : reject(new Error(`qtest ${line}: ${reply}`)),
      );
      this.proc.stdin.write(`${line}\n`);
    });
  }

  close(): void {
    this.proc.kill("SIGKILL");
  }
}

/** Runs the script on QEMU's i440fx PC with `drives` (raw images written to temporary files). */
export async function runOnQemu(drives: RigDrive[], ops: PortOp[]): Promise<Observed> {
  // The qtest log goes to stderr (the default), where the rig waits for "OPENED".
  // -S: no guest code runs (this QEMU has no qtest accelerator; SeaBIOS would probe the IDE meanwhile).
  const args = ["-M", "pc", "-S", "-nodefaults", "-display", "none", "-qtest", "stdio"];
  const dir = tempDir();
  for (const d of drives) {
    let file = "";
    if (d.image !== null) {
      file = join(dir, `drive${d.index}.raw`);
      writeFileSync(file, d.image);
      file = `file=${file},format=raw,`;
    }
    args.push("-drive", `${file}if=ide,index=${d.index},media=${d.media}`);
  }
  const q = new Qtest(args);
  const out: Observed = [];
  const value = (reply: string) => Number.parseInt(reply.slice(3), 16);
  const flushEdges = () => out.push(...q.edges.splice(0));
  try {
    await Promise.race([
      q.opened,
      q.done.then(() => Promise.reject(new Error("qemu exited before qtest opened"))),
    ]);
    await q.command("irq_intercept_in ioapic");
    for (const op of ops) {
      switch (op[0]) {
        case "outb":
        case "outw":
        case "outl":
          await q.command(`${op[0]} 0x${op[1].toString(16)} 0x${op[2].toString(16)}`);
          flushEdges();
          break;
        case "inb":
        case "inw":
        case "inl": {
          const v = value(await q.command(`${op[0]} 0x${op[1].toString(16)}`));
          flushEdges();
          if (op[2] !== "discard") out.push(`0x${v.toString(16)}`);
          break;
        }
        case "memwrite":
          await q.command(`write 0x${op[1].toString(16)} ${op[2].length} 0x${hex(op[2])}`);
          break;
        case "memread": {
          const reply = await q.command(`read 0x${op[1].toString(16)} ${op[2]}`);
          out.push(reply.slice(5));
          break;
        }
        case "poll": {
          const [, port, mask, want] = op;
          let tries = 0;
          while ((value(await q.command(`inb 0x${port.toString(16)}`)) & mask) !== want) {
            if (++tries === POLL_LIMIT)
              throw new Error(`qtest: port 0x${port.toString(16)} never showed 0x${want.toString(16)}`);
          }
          flushEdges();
          break;
        }
      }
    }
  } finally {
    q.close();
    await q.done;
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
    switch (op[0]) {
      case "outb":
      case "outw":
      case "outl":
        rig.io.out(op[1], sizeOf(op[0]), op[2]);
        edges();
        break;
      case "inb":
      case "inw":
      case "inl": {
        const v = rig.io.in(op[1], sizeOf(op[0]));
        edges();
        if (op[2] !== "discard") out.push(`0x${v.toString(16)}`);
        break;
      }
      case "memwrite":
        rig.memory.writePhysical(op[1], op[2]);
        break;
      case "memread":
        out.push(hex(rig.memory.readPhysical(op[1], op[2])));
        break;
      case "poll": {
        const v = rig.io.in(op[1], 1);
        edges();
        if ((v & op[2]) !== op[3]) out.push(`poll of 0x${op[1].toString(16)} read 0x${v.toString(16)}`);
        break;
      }
    }
  }
  return out;
}

/** Expects the rig to have observed what QEMU did: the same values read and IRQ 14 edges, in order. */
export function expectSameAsQemu(ours: Observed, qemu: Observed): void {
  expect(ours).toEqual(qemu);
}
