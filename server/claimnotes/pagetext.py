"""Pure: turn a saved page (HTML or plain text) into text blocks for matching.

This mirrors what the extension's content script collects, so that a curator's
`claimnotes match page.html` and the golden tests see the page as readers do:
one block per paragraph, list item, heading, table cell, quote or caption;
nothing from scripts, styles, templates, hidden elements or form fields.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements that start and end a block of text.
BLOCK_TAGS = frozenset("""
    address article aside blockquote body caption dd details dialog div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main nav ol
    p pre section summary table tbody td tfoot th thead tr ul
""".split())
# Elements whose content a reader never sees as page text.
SKIP_TAGS = frozenset("script style noscript template head title textarea select option button "
                      "input svg math iframe object canvas".split())
VOID_TAGS = frozenset("area base br col embed hr img input link meta source track wbr".split())
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACE = re.compile(r"\s+")


class _BlockParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._parts: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, opened a skipped region)
        self._skip = 0

    def _flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self._parts)).strip()
        if text:
            self.blocks.append(text)
        self._parts = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            if tag == "br" and not self._skip:
                self._parts.append(" ")
            return
        a = dict(attrs)
        hidden = (tag in SKIP_TAGS or "hidden" in a or a.get("aria-hidden") == "true"
                  or _HIDDEN_STYLE.search(a.get("style") or "") is not None
                  or (a.get("contenteditable") or "false").lower() in ("", "true", "plaintext-only"))
        if tag in BLOCK_TAGS and not self._skip:
            self._flush()
        self._stack.append((tag, hidden))
        if hidden:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS or not any(t == tag for t, _ in self._stack):
            return
        # Close everything up to the matching tag (browsers forgive missing end tags).
        while self._stack:
            open_tag, hidden = self._stack.pop()
            if hidden:
                self._skip -= 1
            if open_tag in BLOCK_TAGS and not self._skip:
                self._flush()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._parts.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_blocks(html: str) -> list[str]:
    parser = _BlockParser()
    parser.feed(html)
    parser.close()
    return parser.blocks


def text_blocks(text: str) -> list[str]:
    """Paragraphs of a plain-text page: runs of lines between blank lines."""
    return [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")) if p.strip()]


def looks_like_html(text: str) -> bool:
    return re.match(r"\s*(<!doctype html|<html|<head|<body|<!--|<[a-z][a-z0-9]*[\s>])", text, re.I) is not None


def extract_blocks(page: str) -> list[tuple[str, str]]:
    """(block_id, text) pairs of a page, HTML or plain text, in reading order."""
    blocks = html_blocks(page) if looks_like_html(page) else text_blocks(page)
    return [(f"b{i}", text) for i, text in enumerate(blocks)]
