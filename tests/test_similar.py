"""find_similar on the default claim store (fixtures/claims.jsonl): ranking, query
clean-up, glued words, index updates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimnotes.matcher import ClaimIndex, find_similar
from claimnotes.similar import _split_glued

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CLAIMS = [json.loads(line) for line in (FIXTURES / "claims.jsonl").read_text(encoding="utf-8").splitlines()
          if line.strip()]


def entries() -> list[tuple[str, list[str]]]:
    return [(c["id"], [c["text"], *c.get("variants", [])]) for c in CLAIMS]


@pytest.fixture(scope="module")
def index() -> ClaimIndex:
    return ClaimIndex.build(entries())


def top(text: str, index: ClaimIndex) -> str:
    return find_similar(text, index, limit=1)[0][0]


@pytest.mark.parametrize(("text", "claim"), [
    ("Does chemo make cancer spread through your body?", "chemo-spreads-cancer"),
    ("my cousin swears the MMR jab gave her son autism", "vaccines-autism"),
    ("Is it true that 5G towers are spreading the coronavirus (COVID-19)?", "covid-5g"),
    ("They say you can beat cancer with baking soda and water.", "baking-soda-cancer"),
    ("the apollo astronauts never walked on the moon, it was filmed in a studio", "moon-landing-hoax"),
])
def test_paraphrase_ranks_its_claim_first(index: ClaimIndex, text: str, claim: str) -> None:
    assert top(text, index) == claim


def test_results_are_sorted_bounded_and_limited(index: ClaimIndex) -> None:
    res = find_similar("cancer vaccines chemotherapy", index, limit=7)
    assert len(res) == 7
    assert len({c for c, _ in res}) == 7
    assert [s for _, s in res] == sorted((s for _, s in res), reverse=True)
    assert all(0 <= s <= 100 for _, s in res)
    assert find_similar("cancer", index, limit=0) == []


def test_nothing_in_common_finds_nothing(index: ClaimIndex) -> None:
    assert find_similar("Zorblax quintessential flibber", index) == []
    assert find_similar("the and of a", index) == []  # stopwords only


def test_tweet_trailer_and_links_are_not_query_words(index: ClaimIndex) -> None:
    tweet = ("Vaccines cause autism, wake up! https://t.co/AbCdEfGh "
             "\u2014 Turmeric Fan (@turmericfan) March 3, 2021")
    res = find_similar(tweet, index, limit=5)
    assert res[0][0] == "vaccines-autism"
    # "Turmeric" only appears in the trailer, so the turmeric claim is not a candidate.
    assert "turmeric-cures-cancer" not in [c for c, _ in res]


def test_hashtags_are_split_into_words(index: ClaimIndex) -> None:
    assert top("#ClimateChangeHoax the whole thing is made up", index) == "climate-change-hoax"


@pytest.mark.parametrize(("text", "split"), [
    ("singlepayer", "single payer"),          # debate transcripts drop hyphens
    ("HillaryClinton", "Hillary Clinton"),    # handles without the @
])
def test_glued_words_are_split_into_known_words(text: str, split: str) -> None:
    index = ClaimIndex.build([("a", ["Hillary Clinton backs a single-payer health system."])])
    assert _split_glued(text, index) == split


def test_known_and_unsplittable_words_stay_whole() -> None:
    index = ClaimIndex.build([("a", ["The replayed vote was single.", "Payer of last resort."])])
    assert _split_glued("replayed", index) == "replayed"      # the index knows the word
    assert _split_glued("zorblaxian", index) == "zorblaxian"  # no split into two known words
    assert _split_glued("singlepayer", index) == "single payer"
    long = "single" * 5 + "payer"  # 35 letters: past GLUED_WORD, never tried (bounded work)
    assert _split_glued(long, index) == long


def test_glued_query_finds_the_hyphenated_claim() -> None:
    index = ClaimIndex.build([
        ("payer", ["Says Donald Trump is for a single-payer health care system."]),
        ("single", ["Says a single mother can not afford health care."]),
    ])
    assert top("You were for singlepayer, a Canadianstyle plan.", index) == "payer"


def test_upsert_and_remove_are_seen_at_once() -> None:
    index = ClaimIndex.build(entries())
    query = "Drinking celery juice every morning cures diabetes."
    assert all(c != "celery" for c, _ in find_similar(query, index))
    index.upsert("celery", ["Celery juice cures diabetes."])
    assert top(query, index) == "celery"
    index.remove("celery")
    assert all(c != "celery" for c, _ in find_similar(query, index))
