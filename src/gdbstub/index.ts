// Public API of the gdb stub package: the RSP server over a DebugTarget and the RSP client.

export type { RemoteRegister, TargetLayout } from "./client/layout.ts";
export { RspClient, type RspClientOptions, RspError } from "./client/rsp-client.ts";
export type { ParsedStop, StopReason } from "./protocol/stop-reply.ts";
export { type GdbServer, type GdbServerEnd, type GdbServerOptions, startGdbServer } from "./stub/server.ts";
