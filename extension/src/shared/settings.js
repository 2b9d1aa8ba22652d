// Reads and writes settings. Preferences go to storage.sync (they follow the reader
// across browsers); the reader token stays in storage.local and is never synced.
import { api } from "./browser-api.js";
import { DEFAULT_SETTINGS } from "./sites.js";

/** Returns the full settings object: synced preferences plus {token}. */
export async function loadSettings() {
  const [synced, local] = await Promise.all([
    api.storage.sync.get({ ...DEFAULT_SETTINGS }),
    api.storage.local.get({ token: "" }),
  ]);
  return { ...DEFAULT_SETTINGS, ...synced, token: local.token || "" };
}

/** Saves the given settings; `token` (if present) goes to local storage. */
export async function saveSettings(settings) {
  const { token, ...rest } = settings;
  const synced = {};
  for (const key of Object.keys(DEFAULT_SETTINGS)) if (key in rest) synced[key] = rest[key];
  await api.storage.sync.set(synced);
  if (token !== undefined) await api.storage.local.set({ token });
}

/** Calls fn(settings) whenever a setting changes. */
export function onSettingsChanged(fn) {
  api.storage.onChanged.addListener((changes, area) => {
    if (area === "sync" || (area === "local" && "token" in changes)) loadSettings().then(fn);
  });
}
