"""bench/quality.py's page scoring on a hand-made page: pairs and highlights.

A reader sees every highlight, so a match on the wrong sentence is a false highlight even
when its claim is labelled elsewhere on the page; the pair figures do not show it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from _datasets import EVENT_SPEAKERS, EvalPage, _event_speaker  # noqa: E402
from quality import score_page  # noqa: E402

from claimnotes.matcher import Match  # noqa: E402
from claimnotes.speakers import person_name  # noqa: E402

BLOCKS = [("p-0", "Bats are blind. They eat insects."),
          ("p-1", "🦇🦇 No. Bats are blind, my gran says."),
          ("p-2", "Bats hunt at night.")]
PAGE = EvalPage("p", BLOCKS, [{"claim_id": "bats", "quote": "Bats are blind."},
                              {"claim_id": "bats", "quote": "Bats are blind, my gran says."},
                              {"claim_id": "gone", "quote": "Bats hunt at night."}])


def highlight(block: int, quote: str, claim_id: str = "bats") -> Match:
    """A match on `quote` in block `block`, offsets in UTF-16 units as the matcher gives them."""
    text = BLOCKS[block][1]
    start = len(text[:text.index(quote)].encode("utf-16-le")) // 2
    return Match(block_id=f"p-{block}", start=start, end=start + len(quote.encode("utf-16-le")) // 2,
                 quote=quote, score=80.0, claim_id=claim_id)


def test_a_highlight_counts_only_on_a_labelled_quote_of_its_claim() -> None:
    ms = [highlight(0, "Bats are blind."),             # the labelled quote
          highlight(1, "Bats are blind, my gran"),     # overlaps the label
          highlight(1, "No."),                         # beside it: overlaps only if emoji counted 1 unit
          highlight(2, "Bats hunt at night."),         # the claim is labelled on the page, not here
          highlight(0, "They eat insects.", "other")]  # a claim not labelled on the page
    got = score_page(PAGE, ms)
    assert got == {"TP": 1, "FP": 1, "FN": 1, "spans_ok": 1, "highlights": 5, "highlights_ok": 2}


def test_a_highlight_beside_the_label_in_its_paragraph_is_false() -> None:
    got = score_page(PAGE, [highlight(0, "They eat insects.")])
    assert (got["TP"], got["spans_ok"], got["highlights"], got["highlights_ok"]) == (1, 0, 1, 0)


def test_a_2b_sentence_gets_its_events_speaker_or_none() -> None:
    assert _event_speaker("20170822_Trump_phoenix_0204") == "Donald Trump"
    assert _event_speaker("20160331_Cruz_Miluakee_0173") == "Ted Cruz"
    assert _event_speaker("20161019_3pres_0918") is None            # a debate: several speakers
    assert _event_speaker("20181015_60_min_0012") is None           # the id names nobody
    # Every named speaker is a person's name that find_similar can read.
    assert all(person_name(who) for who in EVENT_SPEAKERS.values() if who)
