"""The claims' concepts in the everyday words for them (synonyms.py, readings.PHRASAL and
RENAMED, 28 Nov): each made-up sentence is missed without its entry."""

from __future__ import annotations

import pytest

from claimnotes.matcher import ClaimIndex, match_blocks
from claimnotes.terms import term_of

CLAIMS = [
    ("shedding", ["People vaccinated against COVID-19 shed the vaccine and make others sick.",
                  "vaccinated people shed spike protein"]),
    ("volcanoes", ["Volcanoes emit more carbon dioxide than humans.",
                   "one eruption emits more CO2 than all human activity"]),
    ("govt-cancer", ["Cancer was created by the US government to eliminate minorities.",
                     "the government created cancer in a lab"]),
    ("brain", ["Humans only use 10 percent of their brains.", "we only use ten percent of our brain"]),
    ("owls", ["Owls can turn their heads all the way around."]),
    ("cure-hidden", ["A cure for cancer exists but is being hidden by drug companies.",
                     "drug companies hide the cure for cancer"]),
    ("overload", ["Too many vaccines too soon overwhelm a baby's immune system."]),
    ("mercury", ["Vaccines contain mercury."]),
    ("dying-out", ["Measles is disappearing anyway."]),
]


@pytest.fixture(scope="module")
def index() -> ClaimIndex:
    return ClaimIndex.build(CLAIMS)


@pytest.mark.parametrize(("word", "claims_word"), [
    ("swivel", "turn"), ("swivelled", "turn"), ("shedding", "emit"), ("spewed", "emit"),
    ("perished", "die"), ("recharge", "charge"), ("wooden", "wood"), ("pharmaceutical", "pharma"), ("boobs", "breast"),
    ("eliminate", "kill"), ("exterminated", "kill"), ("newborn", "baby"), ("leapt", "jump"),
    ("spirals", "swirl"), ("traced", "track"),
    ("microchips", "chip"), ("chopped", "cut"), ("seventies", "1970s"), ("70s", "1970s"),
    ("fifties", "1950s"), ("peddled", "push"), ("forecast", "predict"),
    ("automobile", "car"), ("marijuana", "cannabis"), ("firms", "company"), ("ciggies", "cigarette"),
    ("loo", "toilet"),
])
def test_word_families(word: str, claims_word: str) -> None:
    assert term_of(word) == term_of(claims_word)


@pytest.mark.parametrize(("text", "claim"), [
    ("My uncle reckons vaccinated people are giving off spike protein at parties.", "shedding"),
    ("One eruption pumps out more carbon dioxide than all human activity, he says.", "volcanoes"),
    ("She swears the government cooked up cancer in a lab.", "govt-cancer"),
    ("Teachers used to tell us we only use ten percent of our grey matter.", "brain"),
    ("Owls can swivel their heads all the way around.", "owls"),
    ("Drug companies cover up the cure for cancer, obviously.", "cure-hidden"),
    ("Too many vaccines too soon overwhelm a newborn's immune system.", "overload"),
    ("Vaccines are packed with mercury!", "mercury"),
    ("Measles is dying out anyway.", "dying-out"),
])
def test_read_in_the_claims_words(text: str, claim: str, index: ClaimIndex) -> None:
    assert [m.claim_id for m in match_blocks([("b", text)], index)] == [claim]


@pytest.mark.parametrize("text", [
    "Volcanoes also release carbon dioxide, a greenhouse gas.",    # "release" is not "emit"
    "She gave the spike protein study off to the lab.",           # the verb apart from its particle
])
def test_other_words_are_not_read_so(text: str, index: ClaimIndex) -> None:
    assert [m.claim_id for m in match_blocks([("b", text)], index)] == []
