"""The fixture stores' wordings (fixtures/claims.jsonl and fixtures/eval/claims.jsonl, as
bench/quality.py indexes them) against sentences written for these tests: common ways a
claim is said must match it, and true statements on its subject must not. The second
list holds the guards found while choosing the variants (docs/matching.md, "Variants")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimnotes.matcher import ClaimIndex

from support import claims_in

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="module")
def index() -> ClaimIndex:
    claims = [json.loads(line) for path in (FIXTURES / "claims.jsonl", FIXTURES / "eval" / "claims.jsonl")
              for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return ClaimIndex.build((c["id"], [c["text"], *c["variants"]]) for c in claims if c["status"] == "published")



@pytest.mark.parametrize(("text", "claim"), [
    ("Ships keep vanishing in the Bermuda Triangle.", "ev-bermuda-triangle"),
    ("He honestly believes extraterrestrials built the pyramids.", "ev-aliens-built-pyramids"),
    ("Apparently a diamond is just squashed coal.", "ev-diamonds-from-coal"),
    ("They say the new 5G masts are making people sick.", "5g-health-danger"),
    ("Back in the 70s scientists were warning of an ice age.", "1970s-ice-age-prediction"),
    ("Climate change is a scam, wake up.", "climate-change-hoax"),
    ("Masks starve your brain of oxygen!!", "masks-lower-oxygen"),
    ("theres mercury in vaccines and nobody talks about it", "vaccines-mercury"),
    ("Did you know porcupines fire their quills?", "ev-porcupines-shoot-quills"),
    ("Everest is the tallest mountain from bottom to top.", "ev-everest-tallest-base-to-peak"),
    # everyday wordings of the variants written blind on 27 Nov (night)
    ("my nan swears weed oil kills cancer", "cannabis-oil-cures-cancer"),
    ("horse paste cures covid, look it up", "ivermectin-covid"),
    ("wake up, 5G spreads covid", "covid-5g"),
    ("Evolution has been debunked ages ago.", "evolution-is-false"),
    ("It's freezing out, so global warming is fake.", "cold-weather-disproves-warming"),
])
def test_a_common_wording_matches_its_claim(text: str, claim: str, index: ClaimIndex) -> None:
    assert claim in claims_in(text, index)


@pytest.mark.parametrize(("text", "claim"), [
    # true: the Earth is nearest the Sun in early January ("summer" weighed too little)
    ("In early January the Earth is at its closest to the Sun.", "ev-seasons-distance-sun"),
    # "cancer" is in most texts of a health store, so "caused by a virus" weighed nearly all
    ("Most colds are caused by a virus.", "cancer-is-viral"),
    # likewise "vaccines give you ..." without "cancer"
    ("The vaccine gives you strong protection.", "vaccine-viruses-cause-cancer"),
    # "ill" is not read as "sick": "the flu jab makes you sick with flu" then took this question
    ("Can the jab make me ill for a day or two?", "flu-shot-gives-flu"),
    # private browsing does hide history from others using the same computer
    ("Private browsing hides my history from my flatmates.", "ev-incognito-anonymous"),
    # the blind variants dropped for false matches on the seen page splits (docs/matching.md,
    # "Variants"): a true part of the claim ("sharks have to keep swimming or they die")
    ("Great white sharks have to keep swimming to breathe, but nurse sharks can rest on the bottom.",
     "ev-sharks-must-keep-swimming"),
    # the point words weigh little in their store: "toxic", "poison", "cancer"
    ("The vaccine's ingredients are listed on the leaflet.", "vaccine-ingredients-toxic"),
    ("Our town put fluoride in the water in the sixties.", "fluoride-is-poison"),
    ("I start every morning with a mug of hot lemon water.", "lemon-stronger-than-chemo"),
    # a name or a title, not the claim
    ("Dark Side of the Moon is still the best album ever made.", "ev-far-side-moon-dark"),
    ("We sang ring a ring o roses and the wheels on the bus.", "ev-ring-around-rosie-plague"),
    # "brain" must stay this claim's own word: other claims' variants that said "brain"
    # made it too common (_own_terms), and "use 10%" alone then matched
    ("If you use 10% of your battery every hour, how long does a full charge last?", "ev-ten-percent-brain"),
])
def test_a_true_statement_on_the_subject_does_not_match(text: str, claim: str, index: ClaimIndex) -> None:
    assert claim not in claims_in(text, index)
