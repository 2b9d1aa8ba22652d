import { test } from "node:test";
import assert from "node:assert/strict";
import { anchorSpan, resolveOffset } from "../src/content/anchor.js";

const A = { name: "A" };
const B = { name: "B" };
// "Hello" (A) + "\n" (a gap) + "world" (B)
const block = { text: "Hello\nworld", segments: [{ node: A, start: 0, end: 5 }, { node: B, start: 6, end: 11 }] };

test("start offsets on a boundary move forward, end offsets move back", () => {
  assert.deepEqual(resolveOffset(block.segments, 5, "start"), { node: B, offset: 0 });
  assert.deepEqual(resolveOffset(block.segments, 5, "end"), { node: A, offset: 5 });
  assert.deepEqual(resolveOffset(block.segments, 6, "end"), { node: A, offset: 5 });
  assert.deepEqual(resolveOffset(block.segments, 0, "start"), { node: A, offset: 0 });
  assert.deepEqual(resolveOffset(block.segments, 11, "end"), { node: B, offset: 5 });
  assert.equal(resolveOffset(block.segments, 11, "start"), null);
  assert.equal(resolveOffset(block.segments, 0, "end"), null);
});

test("a span whose quote no longer matches the block is refused", () => {
  assert.equal(anchorSpan(block, 0, 5, "Hullo"), null);
  assert.deepEqual(anchorSpan(block, 0, 5, "Hello"), { startNode: A, startOffset: 0, endNode: A, endOffset: 5 });
});

test("empty, reversed and out-of-range spans are refused", () => {
  for (const [s, e] of [[3, 3], [4, 2], [-1, 2], [0, 12], [0.5, 2]]) assert.equal(anchorSpan(block, s, e), null);
});

test("nodeOffset shifts positions for blocks split out of a longer one", () => {
  const split = { text: "world", segments: [{ node: B, start: 0, end: 5, nodeOffset: 7 }] };
  assert.deepEqual(anchorSpan(split, 1, 3, "or"), { startNode: B, startOffset: 8, endNode: B, endOffset: 10 });
});
