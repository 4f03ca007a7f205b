// Glob patterns the user types (`ide_*`, `qcow2_?ritev_*`), matched in time linear in the text: the
// pattern is cut at each `*` into segments; the first must match at the start, the last at the end,
// and the ones between are found left to right at their leftmost place (which is always enough for
// `*`). `?` matches any one character inside a segment. No regular expression is built, so no
// pattern can make matching backtrack. Dependency-free: any layer may use it.

/** Longest pattern accepted; longer ones are refused with a PatternError. */
export const MAX_PATTERN_LENGTH = 256;

/** A pattern that cannot be used (too long); the message is one line for the user. */
export class PatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PatternError";
  }
}

const QUESTION = 0x3f;

/** True when `segment` (with `?` wildcards) matches `text` at `at`. Needs at + length <= text length. */
function segmentAt(text: string, at: number, segment: string): boolean {
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if (c !== QUESTION && c !== text.charCodeAt(at + i)) return false;
  }
  return true;
}

/** Leftmost place >= from where `segment` matches and ends by `end`, or -1. */
function findSegment(text: string, segment: string, from: number, end: number): number {
  if (!segment.includes("?")) {
    const at = text.indexOf(segment, from);
    return at >= 0 && at + segment.length <= end ? at : -1;
  }
  for (let at = from; at + segment.length <= end; at++) if (segmentAt(text, at, segment)) return at;
  return -1;
}

/**
 * Compiles a glob: `*` any run of characters, `?` any one character, everything else literal.
 * Throws PatternError for a pattern over MAX_PATTERN_LENGTH. The matcher takes O(text x pattern)
 * at worst and O(text) for `*`-separated literals.
 */
export function compileGlob(pattern: string): (text: string) => boolean {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new PatternError(
      `pattern '${pattern.slice(0, 20)}...' is ${pattern.length} characters, longer than the ${MAX_PATTERN_LENGTH}-character limit`,
    );
  }
  const segments = pattern.split("*");
  const first = segments[0]!;
  if (segments.length === 1) return (text) => text.length === first.length && segmentAt(text, 0, first);
  const last = segments[segments.length - 1]!;
  const middle = segments.slice(1, -1).filter((s) => s !== "");
  const fixed = first.length + last.length;
  return (text) => {
    if (text.length < fixed || !segmentAt(text, 0, first)) return false;
    const end = text.length - last.length;
    if (!segmentAt(text, end, last)) return false;
    let at = first.length;
    for (const segment of middle) {
      const found = findSegment(text, segment, at, end);
      if (found < 0) return false;
      at = found + segment.length;
    }
    return true;
  };
}
