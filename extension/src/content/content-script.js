// Runs in each http(s) page: extract -> ask the service worker -> render.
// Nothing here may break the page: every pass is wrapped, and errors become one
// quiet status line in the popup.
import { api } from "../shared/browser-api.js";
import { MSG } from "../shared/messages.js";
import { describeRating } from "../shared/ratings.js";
import { isSiteEnabled, siteOf } from "../shared/sites.js";
import { Overlay } from "../overlay/overlay.js";
import { anchorSpan } from "./anchor.js";
import { batchBlocks, extractBlocks } from "./extract-text.js";

const DEBOUNCE_MS = 400; // quiet time after the last DOM change before a new pass
const MAX_WAIT_MS = 2_000; // a page that never stops changing still gets a pass this often
const MAX_CACHED_TEXTS = 5_000; // a live ticker must not grow the answer cache for ever
const RETRY_FIRST_MS = 30_000; // first retry after the server failed; doubles each time
const RETRY_MAX_MS = 600_000;

const OFF_MESSAGES = {
  "not-web": "Claimnotes runs only on web pages.",
  server: "This is the Claimnotes server itself.",
  blocked: "Claimnotes never runs on this site (see the options).",
  "not-listed": "This site is not in your list of sites.",
  "switched-off": "Claimnotes is switched off for this site.",
};

const state = {
  settings: null,
  enabled: false,
  overlay: null,
  cache: new Map(), // block text -> the server's matches for it (for this page's lifetime)
  items: [],
  running: false,
  again: false,
  timer: null,
  firstPending: 0,
  url: "",
  retryTimer: null,
  retryDelay: RETRY_FIRST_MS,
};

/** Starts the content script once per page. */
export async function start() {
  if (globalThis.__claimnotesStarted) return;
  globalThis.__claimnotesStarted = true;
  state.url = location.href;
  state.overlay = new Overlay(document, { onFeedback: sendFeedback });
  state.settings = await fetchSettings();
  api.runtime.onMessage.addListener(onMessage);
  api.storage.onChanged.addListener((changes, area) => {
    if (area !== "sync" && area !== "local") return; // our own per-tab reports live in "session"
    fetchSettings().then((settings) => {
      state.settings = settings;
      schedule(0);
    });
  });
  observePage();
  await runPass();
}

async function send(message) {
  try {
    return await api.runtime.sendMessage(message);
  } catch {
    // the extension was reloaded or its worker is gone: behave as if the server were down
    return { ok: false, error: { kind: "internal", message: "The extension was updated; reload the page." } };
  }
}

async function fetchSettings() {
  const reply = await send({ type: MSG.SETTINGS });
  return reply?.ok ? reply.settings : null;
}

function sendFeedback(feedback) {
  return send({ type: MSG.FEEDBACK, ...feedback });
}

/** Runs one pass now, or once more after the current one if a pass is running. */
async function runPass() {
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = true;
  try {
    do {
      state.again = false;
      await pass();
    } while (state.again);
  } catch (error) {
    console.debug("claimnotes: pass failed", error);
  } finally {
    state.running = false;
  }
}

function schedule(delay = DEBOUNCE_MS) {
  const now = Date.now();
  if (!state.timer) state.firstPending = now;
  clearTimeout(state.timer);
  const wait = Math.max(0, Math.min(delay, state.firstPending + MAX_WAIT_MS - now));
  state.timer = setTimeout(() => {
    state.timer = null;
    runPass();
  }, wait);
}

function classify(el) {
  if (el === state.overlay.host) return "skip";
  if (el.isContentEditable) return "skip";
  const style = getComputedStyle(el);
  if (style.display === "none" || style.visibility === "hidden" || style.visibility === "collapse") return "skip";
  if (style.contentVisibility === "hidden" || style.opacity === "0") return "skip";
  if (style.display === "contents") return null;
  return style.display.startsWith("inline") || style.display.startsWith("ruby") ? "inline" : "block";
}

async function pass() {
  const verdict = state.settings ? isSiteEnabled(state.settings, location.href) : { enabled: false, reason: "internal" };
  state.enabled = verdict.enabled;
  if (!verdict.enabled) {
    state.items = [];
    state.overlay.clear();
    const message = state.settings ? OFF_MESSAGES[verdict.reason] : "The extension could not read its settings.";
    await report(state.settings ? "off" : "error", message ?? "");
    return;
  }
  const root = document.body ?? document.documentElement;
  const blocks = extractBlocks(root, { classify });

  // Only blocks whose text we have not asked about yet go to the server.
  const seen = new Set();
  const fresh = [];
  for (const block of blocks) {
    if (state.cache.has(block.text) || seen.has(block.text)) continue;
    seen.add(block.text);
    fresh.push(block);
  }
  let error = null;
  if (fresh.length) await report("working", "Checking this page…");
  for (const batch of batchBlocks(fresh)) {
    const reply = await send({ type: MSG.MATCH, blocks: batch.map(({ id, text }) => ({ id, text })) });
    if (!reply?.ok) {
      error = reply?.error ?? { message: "Something went wrong inside the extension." };
      if (error.kind === "http" && (error.status === 400 || error.status === 413 || error.status === 422)) {
        // The server refused this batch's text: don't ask about it again, go on with the rest.
        for (const block of batch) state.cache.set(block.text, []);
        continue;
      }
      break;
    }
    const byBlock = new Map(batch.map((block) => [block.id, []]));
    for (const match of reply.matches) byBlock.get(match.block_id)?.push(match);
    for (const block of batch) state.cache.set(block.text, byBlock.get(block.id));
  }
  for (const text of state.cache.keys()) {
    if (state.cache.size <= MAX_CACHED_TEXTS) break;
    state.cache.delete(text); // oldest first: Map keeps insertion order
  }
  // Re-check: the reader may have switched the site off while we waited.
  if (!isSiteEnabled(state.settings, location.href).enabled) {
    state.again = true;
    return;
  }
  render(blocks);
  await report(error ? "error" : "ok", error ? error.message : "");
  scheduleRetry(Boolean(error));
}

/** After a failed pass, tries again later (30 s, then doubling up to 10 min) so a server that comes back is noticed. */
function scheduleRetry(failed) {
  clearTimeout(state.retryTimer);
  if (!failed) {
    state.retryDelay = RETRY_FIRST_MS;
    return;
  }
  state.retryTimer = setTimeout(() => schedule(0), state.retryDelay);
  state.retryDelay = Math.min(state.retryDelay * 2, RETRY_MAX_MS);
}

function render(blocks) {
  const items = [];
  const counts = new Map();
  for (const block of blocks) {
    for (const match of state.cache.get(block.text) ?? []) {
      const span = anchorSpan(block, match.start, match.end, match.quote);
      if (!span) continue;
      const range = document.createRange();
      try {
        range.setStart(span.startNode, span.startOffset);
        range.setEnd(span.endNode, span.endOffset);
      } catch {
        continue;
      }
      if (range.collapsed) continue;
      const base = `${match.claim.id}\u0000${match.quote}`;
      const n = counts.get(base) ?? 0;
      counts.set(base, n + 1);
      items.push({ key: `${base}\u0000${n}`, range, claim: match.claim, quote: match.quote });
    }
  }
  state.items = items;
  state.overlay.render(items);
}

async function report(status, message) {
  await send({
    type: MSG.REPORT,
    site: siteOf(location.href),
    status,
    message,
    items: state.items.map((item, index) => ({
      index,
      quote: item.quote.slice(0, 300),
      rating: describeRating(item.claim.rating).key,
      rating_label: describeRating(item.claim.rating, item.claim.rating_text).label,
      claim_id: item.claim.id,
    })),
  });
}

function observePage() {
  const observer = new MutationObserver((records) => {
    const own = state.overlay.host;
    const ours = (r) =>
      r.target === own ||
      own.contains(r.target) ||
      (r.type === "childList" && [...r.addedNodes, ...r.removedNodes].every((node) => node === own));
    if (!state.enabled || records.every(ours)) return; // an off site gets no passes until switched on
    schedule();
  });
  observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });

  // Single-page apps: History API navigation starts a new pass.
  const onNavigate = () => {
    if (location.href === state.url) return;
    state.url = location.href;
    schedule();
  };
  addEventListener("popstate", onNavigate);
  addEventListener("hashchange", onNavigate);
  globalThis.navigation?.addEventListener?.("navigatesuccess", onNavigate);

  let frame = 0;
  const reposition = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      state.overlay.reposition();
    });
  };
  addEventListener("resize", reposition);
  addEventListener("scroll", reposition, { capture: true, passive: true });
  if (typeof ResizeObserver === "function") new ResizeObserver(reposition).observe(document.documentElement);
}

function onMessage(message, sender, sendResponse) {
  if (message?.type !== MSG.JUMP) return false;
  const item = state.items[message.index];
  if (!item) {
    sendResponse({ ok: false });
    return false;
  }
  const target = item.range.startContainer.parentElement;
  target?.scrollIntoView({ block: "center", inline: "nearest" });
  state.overlay.reposition();
  sendResponse({ ok: state.overlay.openCard(message.index, { focus: true }) });
  return false;
}
