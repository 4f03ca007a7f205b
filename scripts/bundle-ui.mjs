// Bundles the terminal UI (src/tui/ui-main.ts with React, Ink, react-reconciler and the UI's own
// modules) into one ESM file, dist/tui/ui.bundle.js, which the compiled `pcscope tui` imports.
// Loading Ink module by module cost ~0.5 s of the UI's start-up (es-toolkit/compat's 415 modules
// for one throttle, Node scanning react-reconciler's production and development builds); one file
// with React's production build selected at build time loads in a fraction of that.
// Run by `npm run build` before tsc, so a failed bundle leaves the build stamp old (bin/pcscope.js
// then refuses to start).
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = join(ROOT, "dist/tui/ui.bundle.js");

/**
 * Ink imports its React DevTools bridge only when DEV=true (it needs the optional react-devtools-core):
 * the bundle imports the installed ink's file instead, by its path relative to the bundle.
 */
const inkDevtoolsOutside = {
  name: "ink-devtools-outside",
  setup(b) {
    b.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) => {
      if (!args.importer.includes("/node_modules/ink/")) return undefined;
      const path = relative(dirname(OUT), join(dirname(args.importer), args.path));
      return { path: path.startsWith(".") ? path : `./${path}`, external: true };
    });
  },
};

await build({
  absWorkingDir: ROOT,
  entryPoints: ["src/tui/ui-main.ts"],
  outfile: OUT,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  tsconfig: "tsconfig.build.json",
  // React's production build, chosen at build time so its development build is not in the bundle;
  // production.ts's run-time default (for runs from source) is then a no-op, which esbuild warns of.
  define: { "process.env.NODE_ENV": '"production"' },
  logOverride: { "assign-to-define": "silent" },
  // iced-x86 (900 KB of CommonJS and WebAssembly) is required at run time by logic/disasm.ts.
  external: ["iced-x86"],
  plugins: [inkDevtoolsOutside],
  // The CommonJS packages in the bundle (React, scheduler, signal-exit) require Node's built-ins.
  banner: {
    js: 'import { createRequire as bundleCreateRequire } from "node:module";\nconst require = bundleCreateRequire(import.meta.url);',
  },
  legalComments: "none",
  preserveSymlinks: true,
  logLevel: "warning",
});
