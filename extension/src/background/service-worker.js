// Message router: content scripts, the popup and the options page talk to it; only
// it talks to the server. No state is kept in globals except the per-tab request
// queue, which only needs to live as long as the requests in it.
import { api } from "../shared/browser-api.js";
import { MSG } from "../shared/messages.js";
import { loadSettings } from "../shared/settings.js";
import { describeError, postFeedback, postMatch } from "./api.js";
import { clearTabState, getTabState, setTabState } from "./tab-state.js";

const queues = new Map(); // tabId -> promise of the request in flight

/** Runs fn after the tab's previous request: at most one request per tab in flight. */
function serialise(tabId, fn) {
  const previous = queues.get(tabId) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(fn);
  queues.set(tabId, next);
  next.finally(() => {
    if (queues.get(tabId) === next) queues.delete(tabId);
  });
  return next;
}

const VERDICTS = new Set(["helpful", "wrong_match"]);

async function handle(message, sender) {
  const tabId = sender.tab?.id ?? -1;
  switch (message?.type) {
    case MSG.MATCH: {
      const blocks = Array.isArray(message.blocks) ? message.blocks : [];
      const data = await serialise(tabId, () => postMatch(blocks));
      return { ok: true, ...data };
    }
    case MSG.FEEDBACK: {
      if (!VERDICTS.has(message.verdict) || typeof message.claim_id !== "string") {
        return { ok: false, error: { kind: "internal", message: "Bad feedback message." } };
      }
      const data = await postFeedback(message);
      return { ok: true, helpful: data?.helpful, wrong_match: data?.wrong_match };
    }
    case MSG.REPORT: {
      if (tabId < 0) return { ok: false };
      await setTabState(tabId, {
        site: String(message.site ?? ""),
        status: message.status,
        message: String(message.message ?? ""),
        items: Array.isArray(message.items) ? message.items : [],
      });
      return { ok: true };
    }
    case MSG.SETTINGS: {
      const { token, ...settings } = await loadSettings(); // the page-side script never sees the token
      return { ok: true, settings };
    }
    case MSG.TAB_STATE:
      return getTabState(message.tabId);
    default:
      return { ok: false, error: { kind: "internal", message: `Unknown message type ${message?.type}` } };
  }
}

api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== api.runtime.id) return false;
  handle(message, sender).then(sendResponse, (error) => sendResponse({ ok: false, error: describeError(error) }));
  return true; // sendResponse is called later
});

api.tabs.onRemoved.addListener((tabId) => {
  clearTabState(tabId).catch(() => {});
});
