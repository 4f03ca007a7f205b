// Child of the lock test: opens IMAGE read-write, prints "ready", and holds it until stdin closes.
import { openImage } from "../../../src/emu/block/index.ts";

const blk = openImage(process.argv[2]!);
process.stdout.write("ready\n");
process.stdin.resume();
process.stdin.on("end", () => {
  blk.closeSync();
  process.exit(0);
});
