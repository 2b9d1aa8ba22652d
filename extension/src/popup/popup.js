// Lists the notes on the current tab, jumps to one, and switches the site on or off.
// `popup.html?tab=ID` shows a given tab (used by the browser tests, where the popup
// is opened as a page and the "active tab" would be the popup itself).
import { api } from "../shared/browser-api.js";
import { MSG } from "../shared/messages.js";
import { describeRating } from "../shared/ratings.js";
import { loadSettings, saveSettings } from "../shared/settings.js";
import { isSiteEnabled, siteOf, withSiteSwitched } from "../shared/sites.js";
import { getTabState } from "../background/tab-state.js";

const $ = (id) => document.getElementById(id);

async function currentTab() {
  const param = new URLSearchParams(location.search).get("tab");
  if (param) return { id: Number(param), url: (await api.tabs.get(Number(param)).catch(() => null))?.url ?? "" };
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab ?? null;
}

function renderMatches(tabId, items) {
  const list = $("matches");
  list.replaceChildren();
  for (const item of items) {
    const rating = describeRating(item.rating, item.rating_label);
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "match";
    const chip = document.createElement("span");
    chip.className = "rating";
    chip.style.backgroundColor = rating.color;
    chip.textContent = rating.label;
    const quote = document.createElement("span");
    quote.className = "quote";
    quote.textContent = `“${item.quote}”`;
    button.append(chip, quote);
    button.addEventListener("click", async () => {
      await api.tabs.sendMessage(tabId, { type: MSG.JUMP, index: item.index }).catch(() => null);
      if (!new URLSearchParams(location.search).has("tab")) window.close();
    });
    li.append(button);
    list.append(li);
  }
}

async function render(tab) {
  const [state, settings] = await Promise.all([getTabState(tab.id), loadSettings()]);
  const site = state?.site || siteOf(tab.url ?? "");
  const toggle = $("site-switch");
  toggle.disabled = !site;
  toggle.checked = site ? isSiteEnabled(settings, `http://${site}/`).enabled : false;
  $("site-label").textContent = site ? `On for ${site}` : "Not available on this page";
  toggle.dataset.site = site;

  const items = state?.status === "ok" || state?.status === "error" ? state.items ?? [] : [];
  let line;
  if (!state) line = site ? "Nothing checked on this page yet." : "Claimnotes runs only on web pages.";
  else if (state.status === "error" || state.status === "off" || state.status === "working") line = state.message;
  else line = items.length ? `${items.length} note${items.length === 1 ? "" : "s"} on this page.` : "No known claims found on this page.";
  $("status").textContent = line;
  renderMatches(tab.id, items);
}

async function main() {
  const tab = await currentTab();
  if (!tab) {
    $("status").textContent = "No tab to show.";
    return;
  }
  $("site-switch").addEventListener("change", async (event) => {
    const site = event.target.dataset.site;
    if (!site) return;
    const settings = await loadSettings();
    await saveSettings(withSiteSwitched(settings, site, event.target.checked));
  });
  $("open-options").addEventListener("click", () => api.runtime.openOptionsPage());
  api.storage.onChanged.addListener(() => render(tab));
  await render(tab);
}

main();
