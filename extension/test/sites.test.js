import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_SETTINGS, isSiteEnabled, normaliseServerUrl, parseSiteList, siteMatches, siteOf, withSiteSwitched,
} from "../src/shared/sites.js";
import { describeRating } from "../src/shared/ratings.js";

test("siteOf keeps the port and ignores non-web URLs", () => {
  assert.equal(siteOf("http://127.0.0.1:8123/page.html"), "127.0.0.1:8123");
  assert.equal(siteOf("https://News.Example.org/a?b"), "news.example.org");
  assert.equal(siteOf("chrome://extensions"), "");
  assert.equal(siteOf("not a url"), "");
});

test("entries cover subdomains; entries with a port cover only that port", () => {
  assert.ok(siteMatches("chase.com", "secure.chase.com"));
  assert.ok(!siteMatches("chase.com", "notchase.com"));
  assert.ok(siteMatches("127.0.0.1:8000", "127.0.0.1:8000"));
  assert.ok(!siteMatches("127.0.0.1:8000", "127.0.0.1:9000"));
  assert.ok(siteMatches("127.0.0.1", "127.0.0.1:9000"));
  assert.ok(siteMatches("https://mail.google.com/", "mail.google.com"));
});

test("default settings run on ordinary sites but not on webmail, banks or the server", () => {
  assert.equal(isSiteEnabled(DEFAULT_SETTINGS, "https://news.example.org/").enabled, true);
  assert.deepEqual(isSiteEnabled(DEFAULT_SETTINGS, "https://mail.google.com/mail/u/0"), { enabled: false, reason: "blocked" });
  assert.deepEqual(isSiteEnabled(DEFAULT_SETTINGS, "http://127.0.0.1:8000/v1/health"), { enabled: false, reason: "server" });
  assert.equal(isSiteEnabled(DEFAULT_SETTINGS, "http://127.0.0.1:8001/").enabled, true);
  assert.equal(isSiteEnabled(DEFAULT_SETTINGS, "file:///tmp/x.html").enabled, false);
});

test("listed mode runs only on listed sites, and the popup switch edits the right list", () => {
  const listed = { ...DEFAULT_SETTINGS, mode: "listed", allowedSites: ["example.org"] };
  assert.equal(isSiteEnabled(listed, "https://www.example.org/").enabled, true);
  assert.equal(isSiteEnabled(listed, "https://other.net/").reason, "not-listed");
  const on = withSiteSwitched(listed, "other.net", true);
  assert.equal(isSiteEnabled(on, "https://other.net/").enabled, true);
  const off = withSiteSwitched(DEFAULT_SETTINGS, "news.example.org", false);
  assert.equal(isSiteEnabled(off, "https://news.example.org/").reason, "switched-off");
  assert.equal(isSiteEnabled(withSiteSwitched(off, "news.example.org", true), "https://news.example.org/").enabled, true);
});

test("site lists parse from lines or commas; server URLs must be http(s)", () => {
  assert.deepEqual(parseSiteList(" a.com\nB.com, a.com \n\n"), ["a.com", "b.com"]);
  assert.equal(normaliseServerUrl("http://127.0.0.1:8000/"), "http://127.0.0.1:8000");
  assert.equal(normaliseServerUrl("https://notes.example.org/api/"), "https://notes.example.org/api");
  assert.throws(() => normaliseServerUrl("javascript:alert(1)"), TypeError);
  assert.throws(() => normaliseServerUrl("nonsense"), TypeError);
});

test("ratings always have words; unknown ratings fall back to Other", () => {
  assert.deepEqual(describeRating("missing_context"), { key: "missing_context", label: "Missing context", color: "#8a6d00" });
  assert.equal(describeRating("misleading", "Mostly misleading").label, "Mostly misleading");
  assert.equal(describeRating("<script>").key, "other");
  assert.equal(describeRating("constructor").key, "other");
});
