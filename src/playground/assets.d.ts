// Rule files embedded in the page at build time (esbuild's text loader, scripts/build-playground.mjs).
declare module '*.yaml' {
  const text: string;
  export default text;
}

// V8's (Chromium's, Node.js's) limit on captured stack frames: the engine's YAML loader turns it down while it parses.
// Node's types declare it; the page's, without them, need it here.
interface ErrorConstructor {
  stackTraceLimit: number;
}
