// The options page: server URL, reader token, and where the extension runs.
import { api } from "../shared/browser-api.js";
import { loadSettings, saveSettings } from "../shared/settings.js";
import { DEFAULT_BLOCKED_SITES, normaliseServerUrl, parseSiteList } from "../shared/sites.js";

const $ = (id) => document.getElementById(id);
const DEFAULT_ORIGINS = ["http://127.0.0.1:8000", "http://localhost:8000"]; // host_permissions in manifest.json

function fill(settings) {
  $("server-url").value = settings.serverUrl;
  $("token").value = settings.token;
  $(settings.mode === "listed" ? "mode-listed" : "mode-all").checked = true;
  $("allowed-sites").value = settings.allowedSites.join("\n");
  $("blocked-sites").value = settings.blockedSites.join("\n");
  $("disabled-sites").value = settings.disabledSites.join("\n");
}

async function save(event) {
  event.preventDefault();
  const status = $("status");
  let serverUrl;
  try {
    serverUrl = normaliseServerUrl($("server-url").value);
  } catch {
    status.textContent = "The server URL must be a full http:// or https:// address.";
    $("server-url").setAttribute("aria-invalid", "true");
    $("server-url").focus();
    return;
  }
  $("server-url").removeAttribute("aria-invalid");
  // A server other than the default needs its own host permission (Firefox asks the
  // reader; Chromium already allows it through the content script patterns). Ask now,
  // while the click's user gesture lasts, but never let a pending prompt block saving.
  const origin = new URL(serverUrl).origin;
  const wanted = { origins: [`${origin}/*`] };
  const permission = DEFAULT_ORIGINS.includes(origin)
    ? Promise.resolve(true)
    : api.permissions.request(wanted).catch(() => false);
  await saveSettings({
    serverUrl,
    token: $("token").value.trim(),
    mode: $("mode-listed").checked ? "listed" : "all",
    allowedSites: parseSiteList($("allowed-sites").value),
    blockedSites: parseSiteList($("blocked-sites").value),
    disabledSites: parseSiteList($("disabled-sites").value),
  });
  fill(await loadSettings());
  status.textContent = "Saved.";
  if (!(await permission)) {
    status.textContent = "Saved. The browser did not grant access to that server, so requests to it may fail.";
  }
}

async function main() {
  fill(await loadSettings());
  $("options").addEventListener("submit", save);
  $("reset-blocked").addEventListener("click", () => {
    $("blocked-sites").value = DEFAULT_BLOCKED_SITES.join("\n");
    $("status").textContent = "Default list restored; press Save to keep it.";
  });
}

main();
