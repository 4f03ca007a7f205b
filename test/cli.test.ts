// The `pcscope` command itself, spawned as users run it (bin/pcscope.js -> dist/): --version, --help
// on every command, help texts true to today's defaults, and start-up loading only what the command
// needs (`pcscope run` of a bare ROM loads no disk layer, UI or disassembler).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../src/cli/errors.ts";
import { parseRunArgs } from "../src/cli/run-options.ts";
import { parseTuiArgs } from "../src/cli/tui.ts";

const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin", "pcscope.js");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const COMMANDS = ["run", "tui", "attach", "img", "syms"];

/** Runs `node [NODE_ARGS] bin/pcscope.js ARGS` with no terminal; its output and exit status. */
function pcscope(
  args: string[],
  nodeArgs: string[] = [],
): { out: string; err: string; status: number | null } {
  const r = spawnSync(process.execPath, [...nodeArgs, BIN, ...args], { encoding: "utf8", timeout: 30_000 });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

let dir: string;
/** A 64 KiB ROM whose reset vector is `cli; hlt`: the run ends at its second instruction. */
let haltRom: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pcscope-cli-"));
  const rom = Buffer.alloc(0x10000);
  rom.set([0xfa, 0xf4], 0xfff0);
  haltRom = join(dir, "halt.bin");
  writeFileSync(haltRom, rom);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("pcscope --version", () => {
  it.each(["--version", "-V"])("%s prints the package's version", (flag) => {
    expect(pcscope([flag])).toEqual({ out: `pcscope ${VERSION}\n`, err: "", status: 0 });
  });
});

describe("--help on every command", () => {
  it.each([
    [["run", "--help"], "run"],
    [["run", "-h"], "run"],
    [["run", "--bios", "/no/such.bin", "--help"], "run"],
    [["img", "create", "--help"], "img"],
    [["img", "map", "-h"], "img"],
    [["img", "--help"], "img"],
    [["syms", "-h"], "syms"],
    [["tui", "--help"], "tui"],
    [["attach", "--help"], "attach"],
    [["help", "run"], "run"],
  ])("pcscope %j prints %s's usage and exits 0", (args, command) => {
    const r = pcscope(args);
    expect(r.err).toBe("");
    expect(r.status).toBe(0);
    expect(r.out).toMatch(new RegExp(`^usage: pcscope ${command} `));
  });

  it("pcscope help lists every command, run's line naming today's default guest", () => {
    const r = pcscope(["help"]);
    expect(r.status).toBe(0);
    for (const name of COMMANDS) expect(r.out).toMatch(new RegExp(`^  ${name} +\\S`, "m"));
    const runLine = r.out.split("\n").find((l) => l.startsWith("  run "))!;
    expect(runLine).toContain("the embedded BIOS and the demo disk");
    expect(r.out).not.toContain("demo ROM");
  });

  it("pcscope help NAME with an unknown NAME is one line and status 2", () => {
    expect(pcscope(["help", "nope"])).toEqual({
      out: "",
      err: "pcscope: unknown command 'nope' (try 'pcscope help')\n",
      status: 2,
    });
  });
});

/** The `--options` a usage text names. */
function optionsIn(usage: string): string[] {
  return [...new Set(usage.match(/(?<![\w-])--[a-z][a-z-]*/g) ?? [])].filter((o) => o !== "--help");
}

/** True when `parse` knows `option` (it may still reject the dummy value). */
function knows(parse: (args: string[]) => unknown, option: string): boolean {
  try {
    parse([option, "1"]);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return !err.message.includes(`unknown option '${option}'`);
  }
  return true;
}

describe("help texts are true to today's code", () => {
  it("run --help: the default guest, the default RAM, and only options run accepts", () => {
    const usage = pcscope(["run", "--help"]).out;
    expect(usage).toMatch(
      /With no options: the i440fx PC with pcscope's embedded BIOS .* booting\s+the demo disk/s,
    );
    expect(usage).toContain(`default ${parseRunArgs([]).memBytes / 2 ** 20}M`);
    const options = optionsIn(usage);
    expect(options.length).toBeGreaterThan(15);
    for (const option of options) expect(knows(parseRunArgs, option), option).toBe(true);
  });

  it("tui --help: only options tui accepts", () => {
    const usage = pcscope(["tui", "--help"]).out;
    expect(usage).toContain("with no options: the PC, the embedded\nBIOS and the demo disk");
    for (const option of optionsIn(usage)) expect(knows(parseTuiArgs, option), option).toBe(true);
  });
});

describe("start-up loads only what the command needs", () => {
  let runs = 0;
  /** The files `pcscope ARGS` loads (a resolve hook logs them): dist/... and node_modules/... */
  function modulesLoaded(args: string[]): { files: string[]; status: number | null } {
    const log = join(dir, `modules-${++runs}.log`);
    const hook = join(dir, "hook.mjs");
    writeFileSync(
      hook,
      `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, r.url + "\\n");
  return r;
}`,
    );
    const register = join(dir, "register.mjs");
    writeFileSync(
      register,
      `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hook).href)});`,
    );
    writeFileSync(log, "");
    const r = pcscope(args, ["--import", pathToFileURL(register).href]);
    const root = `${pathToFileURL(ROOT).href}/`;
    const files = readFileSync(log, "utf8")
      .split("\n")
      .filter((url) => url.startsWith("file:"))
      .map((url) =>
        url.startsWith(root) ? url.slice(root.length) : url.replace(/^.*\/(node_modules\/)/, "$1"),
      );
    return { files, status: r.status };
  }

  it("pcscope run of a bare ROM: no disk layer, UI, gdb stub or disassembler", () => {
    const { files, status } = modulesLoaded(["run", "--bios", haltRom]);
    expect(status).toBe(0);
    expect(files).toContain("dist/emu/cpu/cpu.js");
    const heavy = files.filter(
      (f) =>
        /^dist\/(tui|gdbstub)\//.test(f) ||
        (f.startsWith("dist/emu/block/") && f !== "dist/emu/block/errors.js") ||
        /node_modules\/(ink|react|iced-x86)\//.test(f),
    );
    expect(heavy).toEqual([]);
  });

  it.each(["--version", "help"])("pcscope %s loads no command", (arg) => {
    const { files, status } = modulesLoaded([arg]);
    expect(status).toBe(0);
    // cli.ts, its errors, and the watch on stdout/stderr every command has (output.ts, with
    // shared/fd-writer.ts's error, which names errnos through shared/host-file.ts): nothing of a
    // command, the emulator or the UI.
    const core = /^(dist|src)\/(cli(\/errors|\/output)?|shared\/(host-file|fd-writer))\.[jt]s$/;
    const commandModules = files.filter((f) => /^(dist|src)\//.test(f) && !core.test(f));
    expect(commandModules).toEqual([]);
  });
});
