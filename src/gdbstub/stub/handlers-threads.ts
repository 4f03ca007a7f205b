// Threads are vCPUs: thread N is vCPU N-1 of process 1. qfThreadInfo/qsThreadInfo list them, Hg/Hc
// select, T asks if one is alive, qC names the current one, qThreadExtraInfo describes it.
import { ProtocolError } from "../protocol/errors.ts";
import { textToHex } from "../protocol/hex.ts";
import { formatThreadId, PCSCOPE_PID, parseThreadId } from "../protocol/thread-id.ts";
import { modeName } from "./monitor-info.ts";
import type { HandlerGroup } from "./packet-table.ts";
import type { Session } from "./session.ts";

/** Checks that a parsed pid names our process (or any/all). */
function checkPid(pid: number): void {
  if (pid > 0 && pid !== PCSCOPE_PID) throw new ProtocolError(`no process ${pid}`);
}

/** `Hg TID` / `Hc TID`. */
function setThread(s: Session, _p: Buffer, text: string): string {
  const which = text[1];
  if (which !== "g" && which !== "c") throw new ProtocolError(`H${which ?? ""}`);
  const id = parseThreadId(text.slice(2));
  checkPid(id.pid);
  if (which === "g") s.gCpu = s.cpuOf(id.tid, s.gCpu);
  else s.cCpu = s.cpuOf(id.tid, s.cCpu);
  return "OK";
}

/** `T TID`: alive if it exists. */
function threadAlive(s: Session, _p: Buffer, text: string): string {
  const id = parseThreadId(text.slice(1));
  checkPid(id.pid);
  if (id.tid <= 0) throw new ProtocolError("T needs one thread");
  s.cpuOf(id.tid, 0);
  return "OK";
}

/** `qfThreadInfo`: every vCPU in one reply. */
function firstThreads(s: Session): string {
  const ids: string[] = [];
  for (let i = 1; i <= s.cpuCount(); i++) ids.push(formatThreadId(i, s.multiprocess));
  return `m${ids.join(",")}`;
}

/** `qsThreadInfo`: the list ended. */
function nextThreads(): string {
  return "l";
}

/** `qC`: the current thread. */
function currentThread(s: Session): string {
  return `QC${formatThreadId(s.gCpu + 1, s.multiprocess)}`;
}

/** "CPU#N real mode, CPL 0, stopped": how a vCPU is described to gdb. */
function describeThread(s: Session, cpu: number): string {
  const view = s.target.describeCpu(cpu);
  const state = view.halted ? "halted" : s.host.executor.isRunning ? "running" : "stopped";
  return `CPU#${cpu} ${modeName(view)}, CPL ${view.cpl}, ${state}`;
}

/** `qThreadExtraInfo,TID`: describeThread as hex. */
function extraInfo(s: Session, _p: Buffer, text: string): string {
  const comma = text.indexOf(",");
  if (comma < 0) throw new ProtocolError("qThreadExtraInfo without a thread");
  const id = parseThreadId(text.slice(comma + 1));
  checkPid(id.pid);
  return textToHex(describeThread(s, s.cpuOf(id.tid, s.gCpu)));
}

/**
 * The document of qXfer:threads:read: every vCPU with its description. gdb updates its thread list
 * after every stop; this costs one round trip where qfThreadInfo/qsThreadInfo cost two.
 */
export function threadsXml(s: Session): string {
  let xml = '<?xml version="1.0"?>\n<threads>\n';
  for (let cpu = 0; cpu < s.cpuCount(); cpu++) {
    const id = formatThreadId(cpu + 1, s.multiprocess);
    xml += `  <thread id="${id}" core="${cpu}" name="CPU#${cpu}">${describeThread(s, cpu)}</thread>\n`;
  }
  return `${xml}</threads>\n`;
}

/** `qAttached`: 1, we attached to an existing machine (gdb then detaches rather than kills on quit). */
function attached(): string {
  return "1";
}

export const THREAD_HANDLERS: HandlerGroup = [
  ["H", "threads", setThread],
  ["T", "threads", threadAlive],
  ["qfThreadInfo", "threads", firstThreads],
  ["qsThreadInfo", "threads", nextThreads],
  ["qC", "threads", currentThread],
  ["qThreadExtraInfo", "threads", extraInfo],
  ["qAttached", "threads", attached],
];
