// Child process of the crash test: opens IMAGE and writes forever (random writes, write-zeroes and
// flushes from SEED) until the parent kills it with SIGKILL. Each write is logged (before it starts)
// and each completed flush is logged (after it returns) to LOG, so the parent knows which writes are
// durable. Usage: node --import tsx crash-child.ts IMAGE SEED LOG
import { openSync, writeSync } from "node:fs";
import { openImage } from "../../../src/emu/block/index.ts";
import { pattern } from "./qemu.ts";

const [image, seedText, logPath] = process.argv.slice(2);
const blk = openImage(image!);
const log = openSync(logPath!, "a");
let x = Number(seedText) >>> 0 || 1;
const rand = (n: number): number => {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return (x >>> 0) % n;
};
process.stdout.write("ready\n");
for (;;) {
  const r = rand(16);
  const offset = rand(blk.size - 1);
  const length = Math.max(1, Math.min(blk.size - offset, r < 8 ? 1 + rand(8192) : 1 + rand(200_000)));
  if (r < 12) {
    const seed = rand(1 << 30);
    writeSync(log, `w ${offset} ${length} ${seed}\n`);
    blk.pwriteSync(offset, pattern(seed, length));
  } else if (r < 14) {
    writeSync(log, `z ${offset} ${length}\n`);
    blk.pwriteZeroesSync(offset, length);
  } else {
    blk.flushSync();
    writeSync(log, "f\n");
  }
}
