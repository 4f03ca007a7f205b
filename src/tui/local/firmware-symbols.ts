// Finds the nm listing of the firmware `pcscope tui` runs: for the project's own images (under
// firmware/), symbols/NAME.nm or symbols/pcscope-NAME.nm (firmware/bios/out/bios.bin ->
// symbols/pcscope-bios.nm, firmware/gdb-demo/gdb-demo.bin -> symbols/gdb-demo.nm); for any image,
// a listing beside it (IMAGE.nm or IMAGE-without-extension.nm).
import { existsSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is src/tui/local/firmware-symbols.ts). */
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The listing for the firmware at `image`, or null when there is none. */
export function firmwareSymbols(image: string, root = ROOT): string | null {
  const path = resolve(image);
  const stem = basename(path, extname(path));
  const candidates = [`${path}.nm`, join(dirname(path), `${stem}.nm`)];
  const inTree = relative(join(root, "firmware"), path);
  if (!inTree.startsWith("..") && !inTree.startsWith(sep))
    candidates.push(join(root, "symbols", `${stem}.nm`), join(root, "symbols", `pcscope-${stem}.nm`));
  return candidates.find((c) => existsSync(c)) ?? null;
}
