// Everything the extension draws on a page: CSS Custom Highlights for the matched
// text, and one overlay host (attached to <html>, absolutely positioned, 0x0) whose
// shadow root holds the markers and the open card. The page's own DOM is never
// rewritten and its layout never moves: only the markers take pointer events.
import { describeRating } from "../shared/ratings.js";
import { NoteCard } from "./note-element.js";

const HOST_STYLE = [
  "all: initial", "display: block", "position: absolute", "top: 0", "left: 0", "width: 0", "height: 0",
  "margin: 0", "padding: 0", "border: 0", "overflow: visible", "pointer-events: none", "z-index: 2147483647",
].map((rule) => `${rule} !important`).join("; ");

const OVERLAY_CSS = `
.marker {
  position: absolute; box-sizing: border-box; width: 16px; height: 16px; margin: 0; padding: 0;
  border: 2px solid #fff; border-radius: 50%; cursor: pointer; pointer-events: auto;
  font: bold 10px/12px system-ui, sans-serif; color: #fff; text-align: center;
  box-shadow: 0 1px 3px rgba(0,0,0,0.35);
}
.marker:focus-visible { outline: 3px solid #1f5fa8; outline-offset: 1px; }
.marker[aria-expanded="true"] { outline: 2px solid currentColor; }
.fallback { position: absolute; pointer-events: none; mix-blend-mode: multiply; }
@media (prefers-color-scheme: dark) {
  .marker { border-color: #1f2023; }
  .fallback { mix-blend-mode: screen; }
}
`;

export const HIGHLIGHT_PREFIX = "claimnotes-";
const RATING_KEYS = ["false", "misleading", "missing_context", "unproven", "true", "satire", "other"];

/** True where the CSS Custom Highlight API is available. */
export function hasHighlightApi() {
  return typeof CSS !== "undefined" && !!CSS.highlights && typeof Highlight === "function";
}

export class Overlay {
  /** @param {Document} doc  @param {{onFeedback: Function}} handlers */
  constructor(doc, { onFeedback }) {
    this.doc = doc;
    this.onFeedback = onFeedback;
    this.items = [];
    this.markers = [];
    this.card = null;
    this.openKey = null;
    this.host = doc.createElement("claimnotes-overlay");
    this.host.setAttribute("style", HOST_STYLE);
    this.root = this.host.attachShadow({ mode: "open" });
    const style = doc.createElement("style");
    style.textContent = OVERLAY_CSS;
    this.layer = doc.createElement("div");
    this.root.append(style, this.layer);
    this.useHighlights = hasHighlightApi();

    this.onPointerDown = (event) => {
      if (!this.card) return;
      const path = event.composedPath();
      if (path.includes(this.card.host)) return;
      if (this.markers.some((m) => path.includes(m))) return; // the marker's own click toggles
      this.closeCard(false);
    };
    this.onKeyDown = (event) => {
      if (this.card && event.key === "Escape") this.closeCard(true);
    };
  }

  /** Shows the given items: [{key, range, claim, quote}], replacing the previous ones. */
  render(items) {
    this.items = items;
    this.paintHighlights();
    for (const marker of this.markers) marker.remove();
    this.markers = items.map((item, index) => this.makeMarker(item, index));
    if (items.length && !this.host.isConnected) this.doc.documentElement.append(this.host);
    this.layer.append(...this.markers);
    if (this.card) {
      const index = items.findIndex((item) => item.key === this.openKey);
      if (index < 0) this.closeCard(false);
      else this.setExpanded(index);
    }
    this.reposition();
  }

  /** Removes every highlight, marker and card. */
  clear() {
    this.closeCard(false);
    this.render([]);
    this.host.remove();
  }

  paintHighlights() {
    if (!this.useHighlights) return;
    const groups = new Map(RATING_KEYS.map((key) => [key, []]));
    for (const item of this.items) groups.get(describeRating(item.claim.rating).key).push(item.range);
    try {
      for (const [key, ranges] of groups) {
        const name = HIGHLIGHT_PREFIX + key;
        if (ranges.length) CSS.highlights.set(name, new Highlight(...ranges));
        else CSS.highlights.delete(name);
      }
    } catch (error) {
      // e.g. a browser whose content-script sandbox can't hand ranges to the page's
      // registry: draw the boxes in the overlay instead (see reposition)
      console.debug("claimnotes: CSS highlights unavailable, using overlay boxes", error);
      this.useHighlights = false;
    }
  }

  makeMarker(item, index) {
    const rating = describeRating(item.claim.rating, item.claim.rating_text);
    const marker = this.doc.createElement("button");
    marker.type = "button";
    marker.className = "marker";
    marker.dataset.index = String(index);
    marker.dataset.rating = rating.key;
    marker.style.backgroundColor = rating.color;
    marker.textContent = "i";
    const quote = item.quote.length > 80 ? `${item.quote.slice(0, 77)}…` : item.quote;
    marker.setAttribute("aria-label", `Context note, rated ${rating.label}: “${quote}”`);
    marker.setAttribute("aria-haspopup", "dialog");
    marker.setAttribute("aria-expanded", "false");
    marker.addEventListener("click", () => {
      if (this.card && this.openKey === item.key) this.closeCard(true);
      else this.openCard(this.items.indexOf(item), { focus: true });
    });
    return marker;
  }

  /** Moves markers (and fallback highlights) to where their text is now. */
  reposition() {
    if (!this.host.isConnected) return;
    const origin = this.host.getBoundingClientRect();
    for (const node of this.layer.querySelectorAll(".fallback")) node.remove();
    this.items.forEach((item, index) => {
      const marker = this.markers[index];
      const rects = [...item.range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
      if (!rects.length) {
        marker.hidden = true;
        return;
      }
      marker.hidden = false;
      const last = rects[rects.length - 1];
      marker.style.left = `${last.right - origin.left - 4}px`;
      marker.style.top = `${last.top - origin.top - 10}px`;
      if (!this.useHighlights) {
        const color = describeRating(item.claim.rating).color;
        for (const r of rects) {
          const box = this.doc.createElement("div");
          box.className = "fallback";
          Object.assign(box.style, {
            left: `${r.left - origin.left}px`, top: `${r.top - origin.top}px`,
            width: `${r.width}px`, height: `${r.height}px`, backgroundColor: `${color}33`,
          });
          this.layer.prepend(box);
        }
      }
    });
    if (this.card) this.placeCard();
  }

  setExpanded(index) {
    this.markers.forEach((m, i) => m.setAttribute("aria-expanded", String(i === index)));
  }

  /** Opens the card for items[index]; focus moves into it when asked (keyboard, popup). */
  openCard(index, { focus = false } = {}) {
    const item = this.items[index];
    if (!item) return false;
    this.closeCard(false);
    this.openKey = item.key;
    this.card = new NoteCard(this.doc, item, {
      onFeedback: this.onFeedback,
      onClose: (how) => this.closeCard(how !== "outside"),
    });
    this.root.append(this.card.host);
    this.setExpanded(index);
    this.placeCard();
    this.doc.addEventListener("pointerdown", this.onPointerDown, true);
    this.doc.addEventListener("keydown", this.onKeyDown, true);
    if (focus) this.card.focus();
    return true;
  }

  placeCard() {
    const index = this.items.findIndex((item) => item.key === this.openKey);
    const marker = this.markers[index];
    if (!marker || !this.card) return;
    const view = this.doc.defaultView;
    const viewport = {
      width: view.visualViewport?.width ?? view.innerWidth,
      height: view.visualViewport?.height ?? view.innerHeight,
    };
    this.card.place(marker.getBoundingClientRect(), this.host.getBoundingClientRect(), viewport);
  }

  /** Closes the open card; with returnFocus the marker gets the focus back. */
  closeCard(returnFocus) {
    if (!this.card) return;
    const index = this.items.findIndex((item) => item.key === this.openKey);
    this.card.host.remove();
    this.card = null;
    this.openKey = null;
    this.setExpanded(-1);
    this.doc.removeEventListener("pointerdown", this.onPointerDown, true);
    this.doc.removeEventListener("keydown", this.onKeyDown, true);
    if (returnFocus && this.markers[index]) this.markers[index].focus({ preventScroll: true });
  }
}
