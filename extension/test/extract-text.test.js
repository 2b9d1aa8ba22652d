import { test } from "node:test";
import assert from "node:assert/strict";
import { batchBlocks, extractBlocks, splitLongBlocks } from "../src/content/extract-text.js";
import { anchorSpan } from "../src/content/anchor.js";
import { doc, h, text } from "./fake-dom.js";

const texts = (blocks) => blocks.map((b) => b.text);

test("paragraphs, list items, headings, cells, quotes and captions are separate blocks", () => {
  const root = h("body", {},
    h("h1", {}, "A heading long enough"),
    h("p", {}, "First paragraph with ", h("b", {}, "bold"), " words."),
    h("ul", {}, h("li", {}, "List item number one"), h("li", {}, "List item number two")),
    h("table", {}, h("caption", {}, "Table caption text"), h("tr", {}, h("td", {}, "Cell text number one"))),
    h("blockquote", {}, "Quoted words of someone"),
    h("figure", {}, h("figcaption", {}, "A caption for the figure")));
  assert.deepEqual(texts(extractBlocks(root)), [
    "A heading long enough", "First paragraph with bold words.", "List item number one",
    "List item number two", "Table caption text", "Cell text number one",
    "Quoted words of someone", "A caption for the figure",
  ]);
});

test("script, style, noscript, template and form fields are skipped", () => {
  const root = h("body", {},
    h("p", {}, "Visible paragraph text", h("script", {}, "var hidden = 'script text here';")),
    h("style", {}, "p { color: red; } /* style text here */"),
    h("noscript", {}, "Noscript text that is long"),
    h("template", {}, "Template text that is long"),
    h("textarea", {}, "Textarea text that is long"),
    h("button", {}, "Button label that is long"));
  assert.deepEqual(texts(extractBlocks(root)), ["Visible paragraph text"]);
});

test("classify can skip hidden elements and turn inline tags into blocks", () => {
  const hidden = h("span", { hidden: true }, " secret words");
  const blockSpan = h("span", { block: true }, "A span shown as a block");
  const root = h("div", {}, h("p", {}, "Shown paragraph text", hidden), blockSpan, h("div", { own: true }, "Our own UI text"));
  const classify = (el) => (el.attrs.hidden || el.attrs.own ? "skip" : el.attrs.block ? "block" : null);
  assert.deepEqual(texts(extractBlocks(root, { classify })), ["Shown paragraph text", "A span shown as a block"]);
});

test("text around a nested block stays in separate blocks", () => {
  const root = h("div", {}, "Words before the paragraph", h("p", {}, "The nested paragraph"), "Words after the paragraph");
  assert.deepEqual(texts(extractBlocks(root)), ["Words before the paragraph", "The nested paragraph", "Words after the paragraph"]);
});

test("short blocks are dropped and documents work as roots", () => {
  const root = doc(h("html", {}, h("body", {}, h("p", {}, "Tiny"), h("p", {}, "Long enough to be a block"))));
  const blocks = extractBlocks(root);
  assert.deepEqual(texts(blocks), ["Long enough to be a block"]);
  assert.equal(blocks[0].id, "b0");
});

test("segments map every block offset back to its text node", () => {
  const a = text("Chemotherapy ");
  const b = text("causes cancer");
  const c = text(" to spread.");
  const root = h("p", {}, a, h("em", {}, b), c);
  const [block] = extractBlocks(root);
  assert.equal(block.text, "Chemotherapy causes cancer to spread.");
  assert.deepEqual(block.segments.map((s) => [s.node, s.start, s.end]), [[a, 0, 13], [b, 13, 26], [c, 26, 37]]);
});

test("a <br> adds a newline that belongs to no text node", () => {
  const a = text("First line of text");
  const b = text("Second line of text");
  const [block] = extractBlocks(h("p", {}, a, h("br", {}), b));
  assert.equal(block.text, "First line of text\nSecond line of text");
  const span = anchorSpan(block, 6, 25, "line of text\nSecond");
  assert.deepEqual(span, { startNode: a, startOffset: 6, endNode: b, endOffset: 6 });
});

test("offsets are UTF-16 code units, as the server sends them", () => {
  const a = text("Emoji 😀 then ");
  const b = text("the claim text");
  const [block] = extractBlocks(h("p", {}, a, b));
  const start = block.text.indexOf("the claim");
  assert.equal(start, 14); // the emoji counts as two units
  const span = anchorSpan(block, start, start + 9, "the claim");
  assert.deepEqual(span, { startNode: b, startOffset: 0, endNode: b, endOffset: 9 });
});

test("long blocks are split under the limit with an exact node map", () => {
  const sentence = "This sentence is padding text. ";
  const node = text(sentence.repeat(40));
  const tail = text("The claim at the end.");
  const [block] = extractBlocks(h("p", {}, node, tail), { minChars: 1 });
  const parts = splitLongBlocks([block], 300);
  assert.ok(parts.length > 1);
  assert.equal(parts.map((p) => p.text).join(""), block.text);
  for (const part of parts) assert.ok(part.text.length <= 300);
  const last = parts[parts.length - 1];
  const start = last.text.indexOf("The claim");
  const span = anchorSpan(last, start, start + 9, "The claim");
  assert.deepEqual(span, { startNode: tail, startOffset: 0, endNode: tail, endOffset: 9 });
  const mid = parts[1];
  const span2 = anchorSpan(mid, 0, 4, mid.text.slice(0, 4));
  assert.equal(span2.startNode, node);
  assert.equal(node.data.slice(span2.startOffset, span2.endOffset), mid.text.slice(0, 4));
});

test("batches respect both the block count and the character budget", () => {
  const blocks = Array.from({ length: 7 }, (_, i) => ({ id: `b${i}`, text: "x".repeat(40) }));
  assert.deepEqual(batchBlocks(blocks, { maxBlocks: 3, maxChars: 1000 }).map((b) => b.length), [3, 3, 1]);
  assert.deepEqual(batchBlocks(blocks, { maxBlocks: 100, maxChars: 100 }).map((b) => b.length), [2, 2, 2, 1]);
  assert.deepEqual(batchBlocks([]), []);
});
