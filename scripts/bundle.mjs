// Bundles what `pcscope tui` loads at start-up into two ESM files beside the compiled UI in
// dist/tui/: ui.bundle.js (src/tui/ui-main.ts with React, Ink, react-reconciler and the UI's own
// modules), imported by the compiled CLI, and machine-worker.bundle.js (the machine worker with the
// emulator and the gdb stub), started by the compiled LocalSession. Node loads one file in a
// fraction of the time it takes for the hundreds of modules behind each (Ink alone pulls in
// es-toolkit/compat's 415 modules for one throttle and makes Node scan both of react-reconciler's
// builds), and React's production build is chosen at build time.
// Run by `npm run build` before tsc, so a failed bundle leaves the build stamp old (bin/pcscope.js
// then refuses to start).
import { readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Where both bundles go: the compiled UI's directory. */
const OUT_DIR = join(ROOT, "dist/tui");

/** A path relative to the bundles' directory, as an import specifier. */
function fromOutDir(path) {
  const rel = relative(OUT_DIR, path);
  return rel.startsWith(".") ? rel : `./${rel}`;
}

/**
 * Our modules find files (firmware, the lock addon, package.json) relative to their own
 * import.meta.url: in the bundle each keeps the URL its compiled file has in dist/, so those paths
 * resolve as they do unbundled.
 */
const ownUrls = {
  name: "own-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\/src\/.*\.tsx?$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      if (!source.includes("import.meta.url")) return undefined;
      const compiled = join(ROOT, "dist", relative(join(ROOT, "src"), args.path)).replace(/\.tsx?$/, ".js");
      const url = `new URL(${JSON.stringify(fromOutDir(compiled))}, import.meta.url).href`;
      return {
        contents: source.replaceAll("import.meta.url", url),
        loader: args.path.endsWith("x") ? "tsx" : "ts",
      };
    });
  },
};

/**
 * Ink imports its React DevTools bridge only when DEV=true (it needs the optional react-devtools-core):
 * the bundle imports the installed ink's file instead, by its path relative to the bundle.
 */
const inkDevtoolsOutside = {
  name: "ink-devtools-outside",
  setup(b) {
    b.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) =>
      args.importer.includes("/node_modules/ink/")
        ? { path: fromOutDir(join(dirname(args.importer), args.path)), external: true }
        : undefined,
    );
  },
};

await build({
  absWorkingDir: ROOT,
  entryPoints: {
    "ui.bundle": "src/tui/ui-main.ts",
    "machine-worker.bundle": "src/tui/local/machine-worker.ts",
  },
  outdir: OUT_DIR,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  tsconfig: "tsconfig.build.json",
  // React's production build, chosen at build time so its development build is not in the bundle;
  // production.ts's run-time default (for runs from source) is then a no-op, which esbuild warns of.
  // Yoga (Ink's layout engine) takes its WebAssembly from a base64 string, through `fetch` when
  // there is one: without it Yoga decodes the string itself, and Node does not load its HTTP client
  // (undici, ~30 ms of the UI's start-up) for nothing. Neither bundle fetches anything.
  define: { "process.env.NODE_ENV": '"production"', fetch: "undefined" },
  logOverride: { "assign-to-define": "silent" },
  // iced-x86 (900 KB of CommonJS and WebAssembly) is required at run time by logic/disasm.ts.
  external: ["iced-x86"],
  plugins: [ownUrls, inkDevtoolsOutside],
  // The CommonJS packages in the bundle (React, scheduler, signal-exit) require Node's built-ins.
  banner: {
    js: 'import { createRequire as bundleCreateRequire } from "node:module";\nconst require = bundleCreateRequire(import.meta.url);',
  },
  legalComments: "none",
  // node_modules may be a symbolic link: paths to it stay as the tree has them.
  preserveSymlinks: true,
  logLevel: "warning",
});
