// What the `tui` command loads for the UI once the machine worker is starting: the controller and
// the entry that draws it. `npm run build` bundles this module with React, Ink and the UI's own
// modules into dist/tui/ui.bundle.js (scripts/bundle.mjs), which the compiled CLI imports.
import "./production.ts";

export { Debugger } from "./debugger.ts";
export { NO_TTY_MESSAGE, runTui } from "./run-tui.tsx";
