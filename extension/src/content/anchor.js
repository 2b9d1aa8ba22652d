// Pure: turns a match's UTF-16 offsets in a block's text into DOM positions.
// Shaped after Hypothesis's anchoring/text-range.ts: offsets in, {node, offset} out.

/**
 * Returns {node, offset} for a block offset, or null if the block has no text there.
 * `side` decides what happens on a segment boundary or inside a gap (e.g. the "\n"
 * a <br> adds): "start" moves forward to the next text node, "end" moves back.
 */
export function resolveOffset(segments, offset, side) {
  if (!segments.length) return null;
  if (side === "start") {
    // first segment whose end is past the offset
    let lo = 0;
    let hi = segments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (segments[mid].end > offset) hi = mid;
      else lo = mid + 1;
    }
    if (lo === segments.length) return null;
    const seg = segments[lo];
    return { node: seg.node, offset: (seg.nodeOffset ?? 0) + Math.max(0, offset - seg.start) };
  }
  // last segment whose start is before the offset
  let lo = -1;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segments[mid].start < offset) lo = mid;
    else hi = mid - 1;
  }
  if (lo < 0) return null;
  const seg = segments[lo];
  return { node: seg.node, offset: (seg.nodeOffset ?? 0) + Math.min(seg.end, offset) - seg.start };
}

/**
 * Returns {startNode, startOffset, endNode, endOffset} for the text [start, end) of a
 * block, or null when the span is empty, out of range, or its quote no longer matches
 * the block text (a stale answer must never highlight the wrong words).
 */
export function anchorSpan(block, start, end, quote) {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > block.text.length || start >= end) {
    return null;
  }
  if (quote !== undefined && block.text.slice(start, end) !== quote) return null;
  const from = resolveOffset(block.segments, start, "start");
  const to = resolveOffset(block.segments, end, "end");
  if (!from || !to) return null;
  return { startNode: from.node, startOffset: from.offset, endNode: to.node, endOffset: to.offset };
}
