// The note card: a <claimnotes-card> element with an open shadow root.
//
// Content scripts in Chromium have no `customElements` registry (it is null in the
// isolated world, see https://crbug.com/390807), so the card is an undefined
// element with a valid custom-element name (which may still host a shadow root)
// driven by this class, not a registered custom element.
// All text is set with textContent; nothing here parses HTML.
import { describeRating } from "../shared/ratings.js";

const CARD_CSS = `
:host { all: initial; position: absolute; z-index: 2147483647; pointer-events: auto; }
.card {
  box-sizing: border-box; width: min(360px, calc(100vw - 16px)); max-height: calc(100vh - 16px);
  overflow: auto; padding: 12px 14px 10px; border-radius: 10px;
  background: #ffffff; color: #1c1c1c; border: 1px solid #c9c9c9;
  box-shadow: 0 6px 24px rgba(0, 0, 0, 0.18);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; text-align: left;
}
.card:focus { outline: none; }
.card:focus-visible { outline: 2px solid #1f5fa8; outline-offset: 2px; }
.head { display: flex; align-items: center; justify-content: space-between; gap: 8px; }
.rating { display: inline-block; padding: 2px 8px; border-radius: 999px; color: #fff;
  font-weight: 600; font-size: 12px; letter-spacing: 0.02em; }
.kicker { margin: 0; font-size: 12px; color: #5a5a5a; }
.close { all: unset; cursor: pointer; width: 26px; height: 26px; border-radius: 6px; text-align: center;
  font-size: 18px; line-height: 26px; color: #444; }
.close:hover { background: rgba(0,0,0,0.07); }
.close:focus-visible, button:focus-visible, a:focus-visible { outline: 2px solid #1f5fa8; outline-offset: 1px; }
.claim { margin: 8px 0 4px; font-weight: 600; overflow-wrap: anywhere; }
.note { margin: 4px 0 8px; white-space: pre-line; overflow-wrap: anywhere; }
h3 { margin: 8px 0 2px; font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: #5a5a5a; }
ul { margin: 0; padding-left: 18px; }
li { margin: 2px 0; overflow-wrap: anywhere; }
a { color: #1f5fa8; }
.plain { color: #5a5a5a; }
.updated { margin: 8px 0 6px; font-size: 12px; color: #5a5a5a; }
.feedback { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; border-top: 1px solid #e2e2e2; padding-top: 8px; }
.feedback button { font: inherit; font-size: 12px; padding: 3px 10px; border-radius: 6px; cursor: pointer;
  border: 1px solid #b8b8b8; background: #f6f6f6; color: #1c1c1c; }
.feedback button[disabled] { opacity: 0.6; cursor: default; }
.status { font-size: 12px; color: #5a5a5a; }
@media (prefers-color-scheme: dark) {
  .card { background: #1f2023; color: #ececec; border-color: #44464b; box-shadow: 0 6px 24px rgba(0,0,0,0.5); }
  .kicker, h3, .updated, .status, .plain { color: #b5b5b5; }
  .close { color: #d0d0d0; }
  .close:hover { background: rgba(255,255,255,0.1); }
  a { color: #8ab4f8; }
  .feedback { border-top-color: #3a3b3f; }
  .feedback button { background: #2b2c30; color: #ececec; border-color: #55575c; }
  .close:focus-visible, button:focus-visible, a:focus-visible, .card:focus { outline-color: #8ab4f8; }
}
`;

/** Returns the URL string if it is an absolute http(s) URL, else null. */
export function safeHttpUrl(url) {
  try {
    const parsed = new URL(String(url));
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** Returns a readable date for an ISO timestamp, or null if it is not a date. */
export function formatDate(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return date.toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
}

function el(doc, tag, props = {}, text = null) {
  const node = doc.createElement(tag);
  for (const [name, value] of Object.entries(props)) node.setAttribute(name, value);
  if (text !== null) node.textContent = text;
  return node;
}

export class NoteCard {
  /**
   * @param {Document} doc
   * @param {{claim: object, quote: string}} item
   * @param {{onFeedback: (f: object) => Promise<object>, onClose: (how: string) => void}} handlers
   */
  constructor(doc, item, { onFeedback, onClose }) {
    this.item = item;
    this.onClose = onClose;
    this.host = doc.createElement("claimnotes-card");
    const root = this.host.attachShadow({ mode: "open" });
    root.append(el(doc, "style", {}, CARD_CSS));

    const { claim, quote } = item;
    const rating = describeRating(claim.rating, claim.rating_text);
    const card = el(doc, "div", {
      class: "card", role: "dialog", "aria-modal": "false", tabindex: "-1",
      "aria-labelledby": "cn-title", "aria-describedby": "cn-note",
    });
    this.card = card;

    const head = el(doc, "div", { class: "head" });
    const label = el(doc, "span", { class: "rating", "data-rating": rating.key }, rating.label);
    label.style.backgroundColor = rating.color;
    const kicker = el(doc, "p", { class: "kicker" });
    kicker.append(label, " Context note");
    const close = el(doc, "button", { class: "close", type: "button", "aria-label": "Close note" }, "×");
    close.addEventListener("click", () => this.onClose("button"));
    head.append(kicker, close);

    const title = el(doc, "p", { class: "claim", id: "cn-title" }, `Claim: ${claim.text ?? quote}`);
    const note = el(doc, "p", { class: "note", id: "cn-note" }, claim.note ?? "");
    card.append(head, title, note);

    const sources = Array.isArray(claim.sources) ? claim.sources : [];
    if (sources.length) {
      card.append(el(doc, "h3", { id: "cn-sources" }, "Sources"));
      const list = el(doc, "ul", { "aria-labelledby": "cn-sources" });
      for (const source of sources) {
        const li = el(doc, "li");
        const href = safeHttpUrl(source?.url);
        const text = String(source?.title || source?.url || "");
        if (href) {
          li.append(el(doc, "a", { href, target: "_blank", rel: "noopener noreferrer" }, text));
        } else {
          li.append(el(doc, "span", { class: "plain" }, text)); // not a web link: shown, never followed
        }
        list.append(li);
      }
      card.append(list);
    }

    const when = formatDate(claim.updated_at);
    if (when) {
      const updated = el(doc, "p", { class: "updated" }, "Last updated ");
      updated.append(el(doc, "time", { datetime: String(claim.updated_at) }, when));
      card.append(updated);
    }

    const feedback = el(doc, "div", { class: "feedback", role: "group", "aria-label": "Feedback on this note" });
    const status = el(doc, "span", { class: "status", role: "status", "aria-live": "polite" });
    const buttons = [
      ["helpful", "Helpful"],
      ["wrong_match", "Wrong match"],
    ].map(([verdict, text]) => {
      const button = el(doc, "button", { type: "button", "data-verdict": verdict }, text);
      button.addEventListener("click", async () => {
        for (const b of buttons) b.disabled = true;
        status.textContent = "Sending…";
        let reply;
        try {
          reply = await onFeedback({ claim_id: claim.id, verdict, quote: String(quote).slice(0, 2000) });
        } catch {
          reply = { ok: false };
        }
        status.textContent = reply?.ok ? "Thanks, feedback sent." : "Couldn't send feedback.";
        if (!reply?.ok) for (const b of buttons) b.disabled = false;
      });
      return button;
    });
    feedback.append(...buttons, status);
    card.append(feedback);

    card.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        this.onClose("escape");
      }
    });
    root.append(card);
  }

  /** Places the card next to a viewport rect, kept inside the viewport; coordinates are the overlay's. */
  place(anchorRect, overlayRect, viewport) {
    const margin = 8;
    const box = this.host.getBoundingClientRect();
    const width = box.width;
    const height = box.height;
    let left = Math.min(anchorRect.left - 12, viewport.width - width - margin);
    left = Math.max(margin, left);
    let top = anchorRect.bottom + 6;
    if (top + height > viewport.height - margin) top = anchorRect.top - height - 6;
    top = Math.max(margin, Math.min(top, viewport.height - height - margin));
    this.host.style.left = `${left - overlayRect.left}px`;
    this.host.style.top = `${top - overlayRect.top}px`;
  }

  focus() {
    this.card.focus({ preventScroll: true });
  }
}
