// `monitor trace on PATTERN` (src/gdbstub/stub/monitor.ts) with patterns a user might type or paste:
// matched in linear time (no regular expression is built from them) and bounded in length.
import { afterEach, describe, expect, it } from "vitest";
import { RspClient } from "../../../src/gdbstub/index.ts";
import { type Demo, startDemo } from "../demo.ts";

let demo: Demo | null = null;
let client: RspClient | null = null;

afterEach(async () => {
  client?.close();
  await demo?.close();
  client = null;
  demo = null;
});

async function connect(): Promise<RspClient> {
  demo = await startDemo();
  client = await RspClient.connect({ port: demo.server.port });
  return client;
}

describe("monitor trace on PATTERN", () => {
  it("answers at once for a pattern that made the old regex backtrack for seconds per event name", async () => {
    const c = await connect();
    demo!.machine.trace.point("qcow2_pre_write_overlap_check");
    const started = performance.now();
    expect(await c.monitor(`trace on ${"*?".repeat(12)}Z`)).toMatch(/^tracing '/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("refuses a pattern over the length limit with one line and keeps the previous trace", async () => {
    const c = await connect();
    expect(await c.monitor("trace on portio_*")).toMatch(/^tracing 'portio_\*'/);
    const long = `portio_${"x".repeat(300)}`;
    expect(await c.monitor(`trace on ${long}`)).toBe(
      "trace: pattern 'portio_xxxxxxxxxxxxx...' is 307 characters, longer than the 256-character limit\n",
    );
    expect(demo!.machine.trace.point("portio_write").on).toBe(true);
  });
});
