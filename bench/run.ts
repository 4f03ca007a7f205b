// `npm run bench [NAME...]`: runs every bench/*.bench.ts (or the named ones) in turn. Each module's
// default export is an async function that measures and prints its figures with report().
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.bench\.ts$/, "")))
  .sort();
if (files.length === 0) {
  process.stderr.write(`no benchmark matches ${wanted.join(" ")}\n`);
  process.exit(2);
}
for (const file of files) {
  process.stdout.write(`== ${file.replace(/\.bench\.ts$/, "")}\n`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: () => Promise<void> };
  await mod.default();
}
