import { describe, expect, it } from "vitest";
import { UserError } from "../../src/cli/errors.ts";
import { parseMemSize, parseRunArgs } from "../../src/cli/run-options.ts";

const MiB = 1024 * 1024;

describe("pcscope run options", () => {
  it("accepts long options, --opt=value and QEMU's single-dash spellings", () => {
    const a = parseRunArgs(["--bios", "x.bin", "--mem=64M", "--debugcon", "0xe9=file:/tmp/a", "--no-reboot"]);
    const b = parseRunArgs(["-bios", "x.bin", "-m", "64", "-debugcon", "0xe9=file:/tmp/a", "-no-reboot"]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ bios: "x.bin", memBytes: 64 * MiB, noReboot: true });
    expect(a.debugcons).toEqual([{ port: 0xe9, target: { kind: "file", path: "/tmp/a" } }]);
  });

  it("parses sizes like QEMU's -m: plain numbers are MiB", () => {
    expect(parseMemSize("32")).toBe(32 * MiB);
    expect(parseMemSize("512K")).toBe(512 * 1024);
    expect(parseMemSize("1G")).toBe(1024 * MiB);
    expect(parseMemSize("2MiB")).toBe(2 * MiB);
    expect(() => parseMemSize("lots")).toThrow(UserError);
  });

  it("parses debug consoles, debug-exit, traces, logs, counts and gdb addresses", () => {
    const o = parseRunArgs([
      "--debugcon",
      "stdio",
      "--debugcon",
      "1026=null",
      "-global",
      "isa-debugcon.iobase=0x403",
      "--debug-exit",
      "0xf4,1",
      "--trace",
      "portio_*",
      "-trace",
      "enable=ide_*",
      "-D",
      "t.log",
      "-d",
      "guest_errors,unimp",
      "--max-insns",
      "5M",
      "--gdb",
      "tcp::1235",
      "-S",
    ]);
    expect(o.debugcons).toEqual([
      { port: null, target: { kind: "stdio" } },
      { port: 1026, target: { kind: "null" } },
    ]);
    expect(o).toMatchObject({
      debugconDefaultPort: 0x403,
      debugExit: { port: 0xf4, size: 1 },
      trace: ["portio_*", "ide_*"],
      traceFile: "t.log",
      log: ["guest_errors", "unimp"],
      maxInsns: 5_000_000,
      gdb: { host: "127.0.0.1", port: 1235 },
      startPaused: true,
    });
    expect(parseRunArgs(["-device", "isa-debug-exit,iobase=0x501,iosize=2"]).debugExit).toEqual({
      port: 0x501,
      size: 2,
    });
    expect(parseRunArgs(["-s"]).gdb).toEqual({ host: "127.0.0.1", port: 1234 });
  });

  it("refuses what it does not understand with one clear message", () => {
    const bad: [string[], RegExp][] = [
      [["--bios"], /option '--bios' needs a value/],
      [["--no-reboot=1"], /takes no value/],
      [["--debugcon", "0x402=tty"], /invalid --debugcon/],
      [["--debugcon", "0x10000=stdio"], /invalid port '0x10000'/],
      [["--max-insns", "lots"], /invalid --max-insns 'lots'/],
      [["--max-insns", "0"], /invalid --max-insns '0'/],
      [["-d", "everything"], /unknown log item 'everything'/],
      [["-device", "e1000"], /unsupported -device 'e1000'/],
      [["-global", "foo.bar=1"], /unsupported -global/],
      [["--gdb", "udp:1:2"], /invalid --gdb/],
      [["--trace", ""], /--trace needs an event/],
      [["bios.bin"], /unknown option 'bios.bin'/],
    ];
    for (const [args, message] of bad) {
      expect(() => parseRunArgs(args)).toThrow(UserError);
      expect(() => parseRunArgs(args)).toThrow(message);
    }
  });

  it("parses --rtc as QEMU's -rtc: base=utc|localtime|DATE, clock=vm, QEMU's messages otherwise", () => {
    const rtc = (...args: string[]) => parseRunArgs(args).pc.rtcBase;
    expect(rtc()).toBeNull();
    expect(rtc("--rtc", "base=utc")).toEqual({ kind: "utc" });
    expect(rtc("-rtc", "base=localtime,clock=vm")).toEqual({ kind: "localtime" });
    expect(rtc("--rtc=base=2006-06-17T16:01:21")).toEqual({
      kind: "date",
      date: new Date("2006-06-17T16:01:21Z"),
    });
    expect(rtc("--rtc", "base=2006-06-17")).toEqual({ kind: "date", date: new Date("2006-06-17T00:00:00Z") });
    const invalidDate = "invalid datetime format (valid formats: '2006-06-17T16:01:21' or '2006-06-17')";
    const bad: [string, string][] = [
      ["base=foo", `--rtc base=foo: ${invalidDate}`],
      ["base=2006-13-01", `--rtc base=2006-13-01: ${invalidDate}`],
      ["base=2006-02-30T00:00:00", `--rtc base=2006-02-30T00:00:00: ${invalidDate}`],
      ["base=2006-06-17T24:00:00", `--rtc base=2006-06-17T24:00:00: ${invalidDate}`],
      ["base=utc,foo=1", "--rtc base=utc,foo=1: Invalid parameter 'foo'"],
      ["clock=bogus", "--rtc clock=bogus: invalid option value 'bogus'"],
      [
        "clock=host",
        "--rtc clock=host: pcscope's RTC runs on virtual time only (clock=vm), so that runs repeat exactly",
      ],
    ];
    for (const [value, message] of bad) {
      expect(() => parseRunArgs(["--rtc", value])).toThrow(UserError);
      expect(() => parseRunArgs(["--rtc", value])).toThrow(message);
    }
  });

  it("refuses a RAM size it cannot run when parsing --mem, naming the option (not the firmware)", () => {
    expect(() => parseRunArgs(["--mem", "0"])).toThrow(
      /^invalid --mem '0': ram size too small \(got 0 bytes/,
    );
    expect(() => parseRunArgs(["-m", "9000"])).toThrow(/^invalid --mem '9000': ram size too large/);
    expect(() => parseRunArgs(["-m", "1.0001M"])).toThrow(
      /^invalid --mem '1.0001M': ram size must be a multiple/,
    );
    expect(parseRunArgs(["-m", "1M"]).memBytes).toBe(MiB);
    // From 3584M on the PC puts RAM above 4 GiB, as QEMU's; 8G is the most pcscope runs.
    expect(parseRunArgs(["-m", "3583M"]).memBytes).toBe(3583 * MiB);
    expect(parseRunArgs(["-m", "3584M"]).memBytes).toBe(3584 * MiB);
    expect(parseRunArgs(["-m", "8G"]).memBytes).toBe(8192 * MiB);
    expect(() => parseRunArgs(["-m", "8193M"])).toThrow(
      /^invalid --mem '8193M': ram size too large \(got 8590983168 bytes; pcscope runs 1M to 8G\)$/,
    );
  });

  it("parses --smp's topology and --mem's hot-plug region as QEMU's -smp and -m", () => {
    expect(parseRunArgs(["-smp", "8,sockets=2,threads=2"]).pc.cpus).toEqual({
      cpus: 8,
      sockets: 2,
      threads: 2,
    });
    expect(parseRunArgs(["--smp", "255"]).pc.cpus).toEqual({ cpus: 255 });
    const m = parseRunArgs(["-m", "1G,slots=4,maxmem=8G"]);
    expect([m.memBytes, m.pc.memSlots, m.pc.maxMemBytes]).toEqual([1024 * MiB, 4, 8192 * MiB]);
    expect(parseRunArgs(["-m", "size=64M"]).memBytes).toBe(64 * MiB);
  });

  it("refuses a bad --smp or --mem in one line, in QEMU's words", () => {
    const bad: [string[], string][] = [
      [
        ["--smp", "0"],
        "invalid --smp '0': Invalid CPU topology: CPU topology parameters must be greater than zero",
      ],
      [
        ["--smp", "256"],
        "invalid --smp '256': Invalid SMP CPUs 256. The max CPUs supported by machine 'pc-i440fx-7.2' is 255",
      ],
      [
        ["--smp", "7,sockets=2,cores=3"],
        "invalid --smp '7,sockets=2,cores=3': Invalid CPU topology: product of the hierarchy must match maxcpus: sockets (2) * dies (1) * cores (3) * threads (1) != maxcpus (7)",
      ],
      [["--smp", "4,bogus=1"], "invalid --smp '4,bogus=1': Parameter 'smp.bogus' is unexpected"],
      [["--smp", "x"], "invalid --smp 'x': Parameter 'smp.cpus' expects integer"],
      [["-m", "1G,slots=2"], "invalid --mem '1G,slots=2': slots specified but no max-size"],
      [
        ["-m", "1G,maxmem=512M"],
        "invalid --mem '1G,maxmem=512M': invalid value of maxmem: maximum memory size (0x20000000) must be at least the initial memory size (0x40000000)",
      ],
      [
        ["-m", "1G,slots=2,maxmem=1G"],
        "invalid --mem '1G,slots=2,maxmem=1G': invalid value of maxmem: memory slots were specified but maximum memory size (0x40000000) is equal to the initial memory size (0x40000000)",
      ],
      [
        ["-m", "1G,slots=257,maxmem=2G"],
        "invalid --mem '1G,slots=257,maxmem=2G': unsupported amount of memory slots: 257",
      ],
      [["-m", "1G,foo=1"], "invalid --mem '1G,foo=1': Invalid parameter 'foo'"],
    ];
    for (const [args, message] of bad) {
      expect(() => parseRunArgs(args)).toThrow(UserError);
      expect(() => parseRunArgs(args)).toThrow(message);
    }
  });

  it("accepts a bracketed IPv6 --gdb host and keeps 127.0.0.1 as the default", () => {
    expect(parseRunArgs(["--gdb", "tcp:[::1]:1234"]).gdb).toEqual({ host: "::1", port: 1234 });
    expect(parseRunArgs(["-gdb", "tcp::1234"]).gdb).toEqual({ host: "127.0.0.1", port: 1234 });
    expect(() => parseRunArgs(["--gdb", "tcp:[nope]:1234"])).toThrow(/'nope' is not an IPv6 address/);
    expect(() => parseRunArgs(["--gdb", "tcp:::1:1234"])).toThrow(/tcp:\[IPV6\]:PORT/);
  });

  it("refuses an IDE hard disk without an image or read-only, as QEMU does; a CD-ROM may be both", () => {
    const empty = /a hard disk needs media, but the drive is empty/;
    expect(() => parseRunArgs(["--hda", ""])).toThrow(/^--hda '': /);
    expect(() => parseRunArgs(["--hda", ""])).toThrow(empty);
    expect(() => parseRunArgs(["--drive", "file="])).toThrow(/^--drive 'file=': /);
    expect(() => parseRunArgs(["--drive", "file="])).toThrow(empty);
    expect(() => parseRunArgs(["--drive", "file=d.img,readonly=on"])).toThrow(
      /^--drive 'file=d.img,readonly=on': Block node is read-only/,
    );
    expect(parseRunArgs(["--drive", "file=c.iso,media=cdrom,readonly=on"]).pc.drives[0]!.readOnly).toBe(true);
    expect(parseRunArgs(["--cdrom", ""]).pc.drives[0]).toMatchObject({ file: "", media: "cdrom" });
  });
});
