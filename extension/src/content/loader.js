// Content scripts cannot be ES modules when declared in the manifest, so this
// classic script loads the real one as a module. The module files are listed in
// web_accessible_resources for this reason only.
(async () => {
  const api = globalThis.browser ?? globalThis.chrome;
  try {
    const { start } = await import(api.runtime.getURL("src/content/content-script.js"));
    await start();
  } catch (error) {
    // Never let our failure become the page's: log quietly and stop.
    console.debug("claimnotes: content script did not start", error);
  }
})();
