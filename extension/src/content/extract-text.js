// Pure: walks a DOM (or anything shaped like one) and returns its visible text
// block by block, with a map from each block's UTF-16 offsets back to text nodes.
// It reads only nodeType, localName, childNodes and data, and asks the caller
// about styles through `classify`, so node tests can feed it plain objects.

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/** Elements whose text forms its own block (a block also ends where one of these starts). */
export const BLOCK_TAGS = new Set([
  "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "blockquote", "figcaption",
  "caption", "dd", "dt", "pre", "summary", "legend", "address",
  // containers: they end a block too, so text either side of a nested block stays apart
  "div", "section", "article", "main", "header", "footer", "aside", "nav", "body",
  "ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr", "figure", "details",
  "form", "fieldset", "hgroup", "search", "hr",
]);

/** Elements whose content is never page prose: code, form fields, media, embedded documents. */
export const SKIP_TAGS = new Set([
  "script", "style", "noscript", "template", "head", "title",
  "textarea", "input", "select", "option", "optgroup", "button", "datalist", "output",
  "svg", "math", "iframe", "frame", "canvas", "video", "audio", "object", "embed", "img", "picture",
]);

/** Blocks shorter than this (ignoring spaces) cannot hold a claim sentence. */
export const MIN_BLOCK_CHARS = 12;

/**
 * @typedef {{node: object, start: number, end: number, nodeOffset?: number}} Segment
 *   text of `node`, from its offset `nodeOffset` (default 0), at block offsets [start, end)
 * @typedef {{id: string, text: string, segments: Segment[]}} TextBlock
 */

/**
 * Returns the text blocks under root, in document order.
 *
 * @param {object} root  an element or document
 * @param {object} [options]
 * @param {(el: object) => ("skip"|"block"|"inline"|null)} [options.classify]
 *   the caller's verdict on an element from its style: "skip" for hidden elements,
 *   editable regions and our own UI; "block"/"inline" from its display; null to go by tag
 * @param {number} [options.minChars]  drop blocks with fewer non-space characters
 * @returns {TextBlock[]}
 */
export function extractBlocks(root, { classify = () => null, minChars = MIN_BLOCK_CHARS } = {}) {
  const blocks = [];
  let text = "";
  let segments = [];

  const flush = () => {
    if (segments.length && text.replace(/\s+/g, "").length >= minChars) {
      blocks.push({ id: `b${blocks.length}`, text, segments });
    }
    text = "";
    segments = [];
  };

  // An explicit stack instead of recursion: some generated pages nest very deeply.
  const stack = [{ node: root, exit: false }];
  while (stack.length) {
    const { node, exit } = stack.pop();
    if (exit) {
      flush();
      continue;
    }
    if (node.nodeType === TEXT_NODE) {
      if (node.data.length) {
        const start = text.length;
        text += node.data;
        segments.push({ node, start, end: text.length });
      }
      continue;
    }
    const isElement = node.nodeType === ELEMENT_NODE;
    if (!isElement && node.nodeType !== 9 && node.nodeType !== 11) continue; // comments etc.
    let isBlock = false;
    if (isElement) {
      const tag = String(node.localName).toLowerCase();
      if (SKIP_TAGS.has(tag)) continue;
      if (tag === "br") {
        if (segments.length) text += "\n"; // a gap no text node covers; see anchor.js
        continue;
      }
      const verdict = classify(node);
      if (verdict === "skip") continue;
      isBlock = verdict === "block" || (verdict !== "inline" && BLOCK_TAGS.has(tag));
    }
    if (isBlock) {
      flush();
      stack.push({ node, exit: true });
    }
    const children = node.childNodes;
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push({ node: children[i], exit: false });
  }
  flush();
  return splitLongBlocks(blocks);
}

/** The server's limit on one block's text (MAX_BLOCK_CHARS in server/claimnotes/schemas.py). */
export const MAX_BLOCK_CHARS = 20_000;

/** Returns where to cut text so the first piece has at most max chars: after a sentence or space if possible. */
function cutPoint(text, max) {
  const window = text.slice(0, max);
  for (const pattern of [/[.!?]\s+/g, /\s+/g]) {
    let best = -1;
    for (const m of window.matchAll(pattern)) best = m.index + m[0].length;
    if (best > max / 2) return best;
  }
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max; // never split a surrogate pair
}

/** Splits any block longer than maxChars into consecutive blocks, keeping the node map exact. */
export function splitLongBlocks(blocks, maxChars = MAX_BLOCK_CHARS) {
  const out = [];
  for (const block of blocks) {
    if (block.text.length <= maxChars) {
      out.push(block);
      continue;
    }
    let offset = 0;
    let part = 0;
    while (offset < block.text.length) {
      const rest = block.text.slice(offset);
      const cut = rest.length <= maxChars ? rest.length : cutPoint(rest, maxChars);
      const end = offset + cut;
      const segments = [];
      for (const seg of block.segments) {
        if (seg.end <= offset || seg.start >= end) continue;
        const from = Math.max(seg.start, offset);
        const to = Math.min(seg.end, end);
        segments.push({
          node: seg.node,
          start: from - offset,
          end: to - offset,
          nodeOffset: (seg.nodeOffset ?? 0) + (from - seg.start),
        });
      }
      out.push({ id: `${block.id}.${part}`, text: block.text.slice(offset, end), segments });
      offset = end;
      part += 1;
    }
  }
  return out;
}

/** Splits blocks into request batches of at most maxBlocks blocks and maxChars characters. */
export function batchBlocks(blocks, { maxBlocks = 200, maxChars = 60_000 } = {}) {
  const batches = [];
  let batch = [];
  let chars = 0;
  for (const block of blocks) {
    const size = block.text.length;
    if (batch.length && (batch.length >= maxBlocks || chars + size > maxChars)) {
      batches.push(batch);
      batch = [];
      chars = 0;
    }
    batch.push(block);
    chars += size;
  }
  if (batch.length) batches.push(batch);
  return batches;
}
