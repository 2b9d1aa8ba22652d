// Pure: settings defaults and the "does the extension run on this site?" rule.

export const DEFAULT_SERVER_URL = "http://127.0.0.1:8000";

// Sites where reading page text is never welcome: webmail, banking and payments.
// Readers can edit this list on the options page. The server's own origin is
// always excluded as well (see isSiteEnabled), whatever the list says.
export const DEFAULT_BLOCKED_SITES = Object.freeze([
  "mail.google.com",
  "outlook.live.com",
  "outlook.office.com",
  "outlook.office365.com",
  "mail.yahoo.com",
  "mail.proton.me",
  "app.tuta.com",
  "paypal.com",
  "chase.com",
  "bankofamerica.com",
  "wellsfargo.com",
  "hsbc.com",
  "barclays.co.uk",
]);

/** Synced settings and their defaults (the token lives in local storage, see settings.js). */
export const DEFAULT_SETTINGS = Object.freeze({
  serverUrl: DEFAULT_SERVER_URL,
  mode: "all", // "all": every site except blocked ones; "listed": only allowedSites
  allowedSites: [],
  blockedSites: [...DEFAULT_BLOCKED_SITES],
  disabledSites: [], // switched off from the popup in "all" mode
});

/** Returns the site key for a page URL: "host" or "host:port" (lower case), or "" if not http(s). */
export function siteOf(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return "";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "";
  return parsed.host.toLowerCase();
}

/**
 * Returns true when a list entry covers a site. An entry with a port ("127.0.0.1:8000")
 * matches that host and port only; an entry without one matches the host on any port
 * and all its subdomains ("chase.com" covers "secure.chase.com").
 */
export function siteMatches(entry, site) {
  const e = String(entry).trim().toLowerCase().replace(/^[a-z]+:\/\//, "").replace(/\/.*$/, "");
  if (!e || !site) return false;
  if (e === site) return true;
  const host = site.replace(/:\d+$/, "");
  if (/:\d+$/.test(e)) return false;
  return host === e || host.endsWith("." + e);
}

/** Splits the text of a site list field (one entry per line or comma) into clean entries. */
export function parseSiteList(text) {
  return [...new Set(String(text).split(/[\s,]+/).map((s) => s.trim().toLowerCase()).filter(Boolean))];
}

/** Returns {enabled, reason} for a page URL under the given settings. */
export function isSiteEnabled(settings, url) {
  const s = { ...DEFAULT_SETTINGS, ...settings };
  const site = siteOf(url);
  if (!site) return { enabled: false, reason: "not-web" };
  const server = siteOf(s.serverUrl);
  if (server && site === server) return { enabled: false, reason: "server" };
  if (s.blockedSites.some((e) => siteMatches(e, site))) return { enabled: false, reason: "blocked" };
  if (s.mode === "listed") {
    return s.allowedSites.some((e) => siteMatches(e, site))
      ? { enabled: true, reason: "listed" }
      : { enabled: false, reason: "not-listed" };
  }
  if (s.disabledSites.some((e) => siteMatches(e, site))) return { enabled: false, reason: "switched-off" };
  return { enabled: true, reason: "all" };
}

/** Returns settings with the site switched on or off, as the popup's switch does. */
export function withSiteSwitched(settings, site, on) {
  const s = { ...DEFAULT_SETTINGS, ...settings };
  const drop = (list) => list.filter((e) => !siteMatches(e, site));
  if (s.mode === "listed") {
    return { ...s, allowedSites: on ? [...drop(s.allowedSites), site] : drop(s.allowedSites) };
  }
  return {
    ...s,
    disabledSites: on ? drop(s.disabledSites) : [...drop(s.disabledSites), site],
    blockedSites: on ? drop(s.blockedSites) : s.blockedSites,
  };
}

/** Returns the server URL without a trailing slash, or throws TypeError if it is not http(s). */
export function normaliseServerUrl(url) {
  const parsed = new URL(String(url).trim());
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError("The server URL must start with http:// or https://");
  }
  return parsed.origin + parsed.pathname.replace(/\/+$/, "");
}
