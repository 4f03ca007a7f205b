// Crash consistency: a child process doing random writes, write-zeroes and flushes is killed with
// SIGKILL at a random moment; then `qemu-img check` must find 0 corruptions (leaks are allowed) and
// every write completed before the last completed flush must read back (bytes not touched by any
// later write). Images rotate between v3, v2 and 512-byte clusters (refcount table growth).
// `npm run stress N` runs N kills; `npm test` runs stressCount(12).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openImage } from "../../../src/emu/block/index.ts";
import { needPeers } from "../../helpers/peers.ts";
import { stressCount } from "../../helpers/stress.ts";
import { pattern, qemuCheck, qemuImg, tempDir } from "./qemu.ts";

const t = tempDir("crash");
afterAll(() => t.cleanup());
const CHILD = join(import.meta.dirname, "crash-child.ts");

/** Starts the child, waits for "ready", kills it after `delayMs`. */
function runAndKill(image: string, seed: number, log: string, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, image, String(seed), log], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d) => {
      err += String(d);
    });
    child.stdout.on("data", (d) => {
      if (String(d).includes("ready")) setTimeout(() => child.kill("SIGKILL"), delayMs);
    });
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL") resolve();
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

interface Logged {
  kind: "w" | "z";
  offset: number;
  length: number;
  seed: number;
}

/** Splits the log into operations completed before the last flush and those after it. */
function parseLog(text: string): { durable: Logged[]; after: Logged[] } {
  const durable: Logged[] = [];
  let pending: Logged[] = [];
  for (const line of text.split("\n")) {
    const [k, a, b, c] = line.split(" ");
    if (k === "f") {
      durable.push(...pending);
      pending = [];
    } else if (k === "w" || k === "z")
      pending.push({ kind: k, offset: Number(a), length: Number(b), seed: Number(c ?? 0) });
  }
  return { durable, after: pending };
}

const IMAGES = [
  ["-o", "compat=1.1"],
  ["-o", "compat=0.10"],
  ["-o", "cluster_size=512"],
];

describe.skipIf(!needPeers("qemu-img"))("crash consistency under SIGKILL", () => {
  it(
    "leaves images with 0 corruptions and flushed writes intact",
    async () => {
      const n = stressCount(12);
      let leaks = 0;
      let durableWrites = 0;
      const size = 32 << 20;
      for (let i = 0; i < n; i++) {
        const image = t.path(`crash-${i % 3}.qcow2`);
        const log = t.path(`crash-${i}.log`);
        qemuImg("create", "-f", "qcow2", ...IMAGES[i % 3]!, image, String(size));
        await runAndKill(image, 1000 + i, log, 20 + ((i * 7919) % 300));
        const c = qemuCheck(image);
        expect(c.corruptions, `iteration ${i}: ${JSON.stringify(c.json)}`).toBe(0);
        expect([0, 3]).toContain(c.status);
        if (c.leaks > 0) leaks++;
        const { durable, after } = parseLog(readFileSync(log, "utf8"));
        const model = new Uint8Array(size);
        const touched = new Uint8Array(size);
        for (const op of durable) {
          if (op.kind === "w") model.set(pattern(op.seed, op.length), op.offset);
          else model.fill(0, op.offset, op.offset + op.length);
          touched.fill(1, op.offset, op.offset + op.length);
        }
        for (const op of after) touched.fill(2, op.offset, op.offset + op.length);
        durableWrites += durable.length;
        const blk = openImage(image, { readOnly: true });
        const disk = new Uint8Array(size);
        blk.preadSync(0, disk);
        blk.closeSync();
        for (let b = 0; b < size; b++) {
          if (touched[b] === 1 && disk[b] !== model[b]) {
            throw new Error(`iteration ${i}: flushed byte ${b} reads ${disk[b]}, expected ${model[b]}`);
          }
        }
      }
      console.log(
        `crash test: ${n} SIGKILLs, 0 corruptions, ${leaks} images with leaks only, ${durableWrites} flushed ops verified`,
      );
    },
    stressCount(12) * 5000 + 60_000,
  );
});
