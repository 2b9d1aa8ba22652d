"""Sentences on a claim's topic that do not make it, against the eval store's claims (the
index the labelled pages are scored with): a term in quotation marks (unasserted.quoted), a
possessive "her" after "from" (readings._someone), a pronoun unit's span denied twice
(matcher._unasserted), an ordinal in digits (narrowing.ordinal), a claim text of one word
(matcher.MIN_CLAIM_WORDS). Each sentence matched at
the default threshold before its rule; the ones that make the claim still do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimnotes.matcher import ClaimIndex, match_blocks, reference_match_blocks

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def index() -> ClaimIndex:
    rows = [json.loads(line) for path in (REPO / "fixtures/claims.jsonl", REPO / "fixtures/eval/claims.jsonl")
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return ClaimIndex.build([(r["id"], [r["text"], *r.get("variants", [])]) for r in rows])


def claims(text: str, index: ClaimIndex) -> set[str]:
    got = {m.claim_id for m in match_blocks([("b", text)], index)}
    assert got == {m.claim_id for m in reference_match_blocks([("b", text)], index)}
    return got


@pytest.mark.parametrize(("text", "claim"), [
    ('The whole "Chinese restaurant syndrome" panic began with one letter to a journal.', "msg-dangerous"),
    ("A month at the clinic cleared the cancer from her body.", "cancer-contagious"),
    ("The herbs shrank the cancer from her liver.", "cancer-contagious"),
    ("Hi Gavin, no problem at all. For what it's worth, the flu vaccine contains no live virus, so it can't "
     "cause flu.", "vaccine-viruses-cause-cancer"),
    ("Polaris is the 48th brightest star in the night sky.", "ev-north-star-brightest"),
])
def test_a_sentence_on_the_topic_is_not_the_claim(text: str, claim: str, index: ClaimIndex) -> None:
    assert claim not in claims(text, index)


@pytest.mark.parametrize(("text", "claim"), [
    ('My aunt swears "MSG is poison" and will not touch it.', "msg-dangerous"),   # the claim quoted whole
    ('My aunt swears "MSG gives you headaches".', "msg-dangerous"),
    ("She was sure you could catch cancer from her.", "cancer-contagious"),        # "her" the person
    ("She was sure you could catch cancer from her, so she never hugged her.", "cancer-contagious"),
    ("Polaris is the brightest star in the night sky.", "ev-north-star-brightest"),
])
def test_the_claim_made_still_matches(text: str, claim: str, index: ClaimIndex) -> None:
    assert claim in claims(text, index)


SMALL = [("us", ["U.S."]), ("debating", ["On debating."]),
         ("biden-ban", ['Says "Joe Biden calls for gun ban."']),
         ("pelosi", ['Says Nancy Pelosi diverted "$2.4 billion from Social Security to cover impeachment costs."'])]


@pytest.mark.parametrize(("text", "expected"), [
    # one word is no claim (matcher.MIN_CLAIM_WORDS)
    ("Moore proposed a 28th Amendment to the U.S. Constitution.", set()),
    ("During a debate in the Texas Senate, Hall spoke first.", set()),
    # a claim quoted nearly whole is more than a quoted term (unasserted.QUOTED_WORDS)
    ('"Biden calls for gun ban," reads the text over a photo of Biden.', {"biden-ban"}),
    ('"Pelosi diverts $2.4 billion from Social Security to cover impeachment costs," reads the headline.',
     {"pelosi"}),
])
def test_one_word_and_quoted_claims(text: str, expected: set[str]) -> None:
    index = ClaimIndex.build(SMALL)
    assert claims(text, index) == expected
