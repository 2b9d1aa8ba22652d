// The one seam between our code and the WebExtension API, so pure modules never
// touch it and tests can see what the extension relies on. Firefox exposes
// `browser` (promise-based) and also `chrome`; Chromium exposes only `chrome`,
// whose MV3 methods return promises too.
export const api = globalThis.browser ?? globalThis.chrome;
