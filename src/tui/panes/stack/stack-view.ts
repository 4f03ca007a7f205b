// The stack pane's model: words from the stack pointer up, at the code's word size, each with the
// symbol it points into (a return address shows as `<func+0x12>`).
import { formatSymbolHit, type SymbolResolver } from "../../logic/symbol-resolver.ts";

/** A value further than this past a symbol's start is not shown as `<sym+off>` (it is data). */
export const STACK_SYMBOL_REACH = 0x10000n;

/** One stack slot. */
export interface StackSlot {
  /** Linear address of the slot. */
  readonly addr: bigint;
  /** Offset from the stack pointer in bytes. */
  readonly offset: number;
  readonly value: bigint;
  /** `<sym+off>` when the value lies in a symbol, else "". */
  readonly symbol: string;
}

/**
 * Splits `data` (read at the linear stack pointer `sp`) into little-endian slots of `wordSize`
 * bytes. In 16-bit code a slot that looks like a return offset is resolved inside `csBase`.
 */
export function stackSlots(
  sp: bigint,
  data: Uint8Array,
  wordSize: 2 | 4 | 8,
  symbols: SymbolResolver,
  csBase: bigint,
): StackSlot[] {
  const slots: StackSlot[] = [];
  for (let off = 0; off + wordSize <= data.length; off += wordSize) {
    let value = 0n;
    for (let i = wordSize - 1; i >= 0; i--) value = (value << 8n) | BigInt(data[off + i]!);
    const hit = value === 0n ? null : symbols.lookupAddress(wordSize === 2 ? csBase + value : value);
    const symbol = hit !== null && hit.offset < STACK_SYMBOL_REACH ? `<${formatSymbolHit(hit)}>` : "";
    slots.push({ addr: sp + BigInt(off), offset: off, value, symbol });
  }
  return slots;
}
