// RSP framing: `$payload#cs` with a modulo-256 checksum, `+`/`-` acknowledgements, the out-of-band
// 0x03 interrupt, run-length encoding (`X*n` repeats X n-29 times) and `}` escaping (byte ^ 0x20).
// The parser works on raw bytes and never throws: garbage between packets is skipped, a `$` inside a
// packet restarts it (the truncated one is dropped), an oversized packet is skipped and reported.

const DOLLAR = 0x24;
const HASH = 0x23;
const PLUS = 0x2b;
const MINUS = 0x2d;
const STAR = 0x2a;
const ESCAPE = 0x7d;
const ESCAPE_XOR = 0x20;
/** The out-of-band interrupt (Ctrl-C) a client sends while the target runs. */
export const INTERRUPT = 0x03;
/** RLE counts are printable: count character = repeat + 29; '#' and '$' are never used as counts. */
const RLE_BIAS = 29;
const RLE_MIN_RUN = 4;
const RLE_MAX_RUN = 97;

/** What the parser found in the byte stream. */
export type FrameEvent =
  /** A packet; `ok` is false when its checksum did not match (payload is then unusable). */
  | { kind: "packet"; payload: Buffer; ok: boolean }
  | { kind: "ack" }
  | { kind: "nak" }
  | { kind: "interrupt" }
  /** A packet longer than the parser's limit was skipped up to its checksum. */
  | { kind: "oversize"; length: number };

/** Sum of the bytes modulo 256. */
export function checksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + bytes[i]!) & 0xff;
  return sum;
}

const HEX_DIGITS = "0123456789abcdef";

/** Frames `payload` (already escaped where binary) as `$payload#cs`, optionally run-length encoded. */
export function frame(payload: Buffer | string, rle = false): Buffer {
  let body = typeof payload === "string" ? Buffer.from(payload, "latin1") : payload;
  if (rle) body = rleEncode(body);
  const out = Buffer.allocUnsafe(body.length + 4);
  out[0] = DOLLAR;
  body.copy(out, 1);
  const sum = checksum(body);
  out[body.length + 1] = HASH;
  out[body.length + 2] = HEX_DIGITS.charCodeAt(sum >> 4);
  out[body.length + 3] = HEX_DIGITS.charCodeAt(sum & 15);
  return out;
}

/**
 * Frames a text payload (every char below 0x100, already escaped where binary) as the string
 * `$payload#cs`, for a latin1 write: no Buffer is built on the way to the socket.
 */
export function frameText(payload: string): string {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) sum = (sum + payload.charCodeAt(i)) & 0xff;
  return `$${payload}#${HEX_DIGITS[sum >> 4]}${HEX_DIGITS[sum & 15]}`;
}

/** Run-length encodes runs of 4+ equal bytes, avoiding counts that would be '#', '$' or '+'/'-'. */
export function rleEncode(body: Buffer): Buffer {
  const out: number[] = [];
  let i = 0;
  while (i < body.length) {
    const b = body[i]!;
    let run = 1;
    while (i + run < body.length && body[i + run] === b && run < RLE_MAX_RUN + 1) run++;
    // `run` counts the first byte too; the repeat count after it is run - 1.
    let repeat = run - 1;
    // Counts 6 (#) and 7 ($) are forbidden: shorten the run to 5 repeats.
    if (repeat === HASH - RLE_BIAS || repeat === DOLLAR - RLE_BIAS) repeat = 5;
    if (repeat + 1 >= RLE_MIN_RUN && b !== STAR && b !== ESCAPE) {
      out.push(b, STAR, repeat + RLE_BIAS);
      i += repeat + 1;
    } else {
      out.push(b);
      i++;
    }
  }
  return Buffer.from(out);
}

/** Expands `X*n` runs; returns null when a `*` has no preceding byte or no count. */
export function rleDecode(body: Buffer): Buffer | null {
  if (body.indexOf(STAR) < 0) return body;
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    if (b !== STAR) {
      out.push(b);
      continue;
    }
    if (out.length === 0 || i + 1 >= body.length) return null;
    const repeat = body[++i]! - RLE_BIAS;
    if (repeat < 0) return null;
    const prev = out[out.length - 1]!;
    for (let r = 0; r < repeat; r++) out.push(prev);
  }
  return Buffer.from(out);
}

/** Escapes `#`, `$`, `}` and `*` for binary payloads (X packets, qXfer replies). */
export function escapeBinary(data: Uint8Array): Buffer {
  let extra = 0;
  for (const b of data) if (b === HASH || b === DOLLAR || b === ESCAPE || b === STAR) extra++;
  if (extra === 0) return Buffer.from(data);
  const out = Buffer.allocUnsafe(data.length + extra);
  let j = 0;
  for (const b of data) {
    if (b === HASH || b === DOLLAR || b === ESCAPE || b === STAR) {
      out[j++] = ESCAPE;
      out[j++] = b ^ ESCAPE_XOR;
    } else out[j++] = b;
  }
  return out;
}

/** Undoes escapeBinary; returns null when the data ends in a lone `}`. */
export function unescapeBinary(data: Uint8Array): Buffer | null {
  const out = Buffer.allocUnsafe(data.length);
  let j = 0;
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b === ESCAPE) {
      if (i + 1 >= data.length) return null;
      out[j++] = data[++i]! ^ ESCAPE_XOR;
    } else out[j++] = b;
  }
  return out.subarray(0, j);
}

const S_IDLE = 0;
const S_BODY = 1;
const S_CHECK1 = 2;
const S_CHECK2 = 3;

/** Incremental parser: feed() bytes as they arrive, get FrameEvents through the callback. */
export class FrameParser {
  private state = S_IDLE;
  private body: Buffer;
  private length = 0;
  private oversize = false;
  private sumHigh = 0;

  /** `maxPayload` bounds a packet's raw (still encoded) payload. */
  constructor(
    private readonly onEvent: (event: FrameEvent) => void,
    private readonly maxPayload: number,
  ) {
    this.body = Buffer.allocUnsafe(Math.min(maxPayload, 4096));
  }

  /** Consumes bytes; emits events synchronously in stream order. */
  feed(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      switch (this.state) {
        case S_IDLE:
          if (b === DOLLAR) this.start();
          else if (b === PLUS) this.onEvent({ kind: "ack" });
          else if (b === MINUS) this.onEvent({ kind: "nak" });
          else if (b === INTERRUPT) this.onEvent({ kind: "interrupt" });
          break;
        case S_BODY:
          if (b === DOLLAR) this.start();
          else if (b === HASH) this.state = S_CHECK1;
          else this.push(b);
          break;
        case S_CHECK1:
          if (b === DOLLAR) {
            this.start();
            break;
          }
          this.sumHigh = hexValue(b);
          this.state = S_CHECK2;
          break;
        case S_CHECK2: {
          if (b === DOLLAR) {
            this.start();
            break;
          }
          this.finish(this.sumHigh, hexValue(b));
          break;
        }
      }
    }
  }

  private start(): void {
    this.state = S_BODY;
    this.length = 0;
    this.oversize = false;
  }

  private push(b: number): void {
    if (this.length >= this.maxPayload) {
      this.oversize = true;
      this.length++;
      return;
    }
    if (this.length === this.body.length) {
      const bigger = Buffer.allocUnsafe(Math.min(this.maxPayload, this.body.length * 2));
      this.body.copy(bigger);
      this.body = bigger;
    }
    this.body[this.length++] = b;
  }

  private finish(high: number, low: number): void {
    this.state = S_IDLE;
    if (this.oversize) {
      this.onEvent({ kind: "oversize", length: this.length });
      return;
    }
    const raw = Buffer.from(this.body.subarray(0, this.length));
    const ok = high >= 0 && low >= 0 && checksum(raw) === high * 16 + low;
    if (!ok) {
      this.onEvent({ kind: "packet", payload: raw, ok: false });
      return;
    }
    const payload = rleDecode(raw);
    this.onEvent(
      payload === null ? { kind: "packet", payload: raw, ok: false } : { kind: "packet", payload, ok: true },
    );
  }
}

/** Value of one hex digit, or -1. */
function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
}
