// One SeaBIOS boot to the MBR with `-smp N` in a process of its own (argv: N, the qcow2 disk), for
// smp.bench.ts to read this process's peak RSS: prints `{"seconds":S,"maxRssKiB":K,"kind":"exit"}`.
import { readFileSync } from "node:fs";
import { AioContext, openImage } from "../../src/emu/block/index.ts";
import { createPcMachine, hostVapicRom } from "../../src/emu/machine/pc.ts";

const [cpus, disk] = process.argv.slice(2);
const aio = new AioContext("sync");
const vapic = hostVapicRom();
const t0 = performance.now();
const m = createPcMachine({
  bios: readFileSync("/usr/share/seabios/bios.bin"),
  cpus: Number(cpus),
  debugcons: [{ port: 0x402, sink: null }],
  debugExit: { port: 0xf4, size: 1 },
  drives: [{ index: 0, media: "disk", backend: openImage(disk!, { ctx: aio, readOnly: true }) }],
  aio,
  optionRoms: vapic === null ? [] : [vapic],
});
let kind = "budget";
for (let i = 0; i < 40 && kind !== "exit"; i++) kind = m.run(5_000_000).kind;
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(`${JSON.stringify({ seconds, maxRssKiB: process.resourceUsage().maxRSS, kind })}\n`);
