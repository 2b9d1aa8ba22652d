// Per-tab results for the badge and the popup. Kept in storage.session because the
// service worker can be stopped at any time and loses its globals.
import { api } from "../shared/browser-api.js";

const key = (tabId) => `tab:${tabId}`;

/** Returns the stored TabState for a tab, or null. */
export async function getTabState(tabId) {
  const got = await api.storage.session.get(key(tabId));
  return got[key(tabId)] ?? null;
}

/** Stores a tab's state and updates its toolbar badge. */
export async function setTabState(tabId, state) {
  await api.storage.session.set({ [key(tabId)]: { ...state, updated: Date.now() } });
  const count = state.items?.length ?? 0;
  const text = state.status === "error" ? "!" : count ? String(count) : "";
  await api.action.setBadgeText({ tabId, text });
  await api.action.setBadgeBackgroundColor({ tabId, color: state.status === "error" ? "#777777" : "#b45309" });
  await api.action.setTitle({
    tabId,
    title: state.status === "error" ? `Claimnotes: ${state.message}` : `Claimnotes: ${count} note${count === 1 ? "" : "s"} on this page`,
  });
}

/** Forgets a closed tab. */
export async function clearTabState(tabId) {
  await api.storage.session.remove(key(tabId));
}
