// vCont: `vCont;ACTION[:THREAD];ACTION...` with actions c, C sig, s, S sig, t.
import { ProtocolError } from "./errors.ts";
import { parseHex } from "./hex.ts";
import { parseThreadId, type ThreadId } from "./thread-id.ts";

/** One resume action; `thread` null applies to every thread without an own action. */
export interface VContAction {
  action: "c" | "s" | "t";
  signal: number;
  thread: ThreadId | null;
}

/** Parses the part after `vCont;`. */
export function parseVCont(text: string): VContAction[] {
  if (text.length === 0) throw new ProtocolError("vCont without actions");
  return text.split(";").map((item) => {
    const colon = item.indexOf(":");
    const verb = colon < 0 ? item : item.slice(0, colon);
    const thread = colon < 0 ? null : parseThreadId(item.slice(colon + 1));
    const letter = verb[0];
    if (letter === "c" || letter === "s" || letter === "t") {
      if (verb.length !== 1) throw new ProtocolError(`vCont action '${verb}'`);
      return { action: letter, signal: 0, thread };
    }
    if (letter === "C" || letter === "S") {
      return { action: letter === "C" ? "c" : "s", signal: parseHex(verb.slice(1), "signal"), thread };
    }
    throw new ProtocolError(`unknown vCont action '${verb.slice(0, 10)}'`);
  });
}
