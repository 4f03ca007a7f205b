// The system architecture API the interpreter calls: segment loads, far transfers, interrupts and
// exceptions, IRET, task switches, descriptor-table registers, control/debug registers, CPUID, MSRs,
// the TSC and I/O permission checks. Everything takes the CPU as a CpuCore (see ../state.ts).
export {
  checkIoPermission,
  cpuidInstruction,
  lmsw,
  rdpmc,
  rdtsc,
  readControlRegister,
  readDebugRegister,
  readMsr,
  writeControlRegister,
  writeDebugRegister,
  writeMsr,
} from "./control.ts";
export { deliverFault, interrupt } from "./interrupts.ts";
export { interruptReturn } from "./iret.ts";
export { lar, loadLdtr, loadSegment, loadTr, lsl, verifySegment } from "./segments.ts";
export { sysenter, sysexit } from "./sysenter.ts";
export { farCall, farJump, farReturn } from "./transfers.ts";
