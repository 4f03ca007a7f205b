// Waiting for a condition instead of sleeping a fixed time: polls `check` on the next turns of the
// event loop until it holds, and fails after `ms` with what was awaited and what was seen last.

/** Resolves once `check()` holds; rejects after `ms` naming `what` and `seen()` (the last state). */
export async function until(
  check: () => boolean,
  what = "condition",
  ms = 10_000,
  seen: () => string = () => "",
): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end)
      throw new Error(`${what} never held within ${ms} ms${seen() ? `:\n${seen()}` : ""}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
