// Selects React's production build for the terminal UI unless NODE_ENV says otherwise: the
// development build re-checks every element and times every render, doubling the cost of a frame.
// Imported first by index.ts, so it runs before react and ink are loaded.
process.env.NODE_ENV ??= "production";
