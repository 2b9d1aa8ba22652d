"""Idioms read as the claims' words (idioms.py): each made-up sentence is missed without
its idiom, and the reading keeps the page's own sentence as the quote."""

from __future__ import annotations

import pytest

from claimnotes.idioms import IDIOMS, idioms
from claimnotes.matcher import ClaimIndex, match_blocks
from claimnotes.terms import sentence_units

CLAIMS = [
    ("far-side", ["The far side of the Moon is always dark."]),
    ("bats", ["Bats are blind."]),
    ("declaration", ["The Declaration of Independence was signed on July 4, 1776."]),
    ("hpv", ["The HPV vaccine causes infertility.", "the HPV jab makes girls infertile"]),
    ("chemo-profit", ["Doctors and drug companies push chemotherapy because they profit from it.",
                      "oncologists profit from chemo"]),
    ("battery", ["You should fully drain your phone battery before charging it.",
                 "drain your battery to zero before you charge it"]),
    ("aliens", ["Aliens built the pyramids.", "the pyramids were built by aliens"]),
    ("light-cigarettes", ["Light cigarettes are safer than regular cigarettes."]),
    ("baking-soda", ["Baking soda cures cancer."]),
    ("diseases", ["Measles was already disappearing before the vaccine came in."]),
    ("first-patient", ["Chemo patients die."]),
    ("gore", ["Gore invented the Internet."]),
    ("lemmings", ["Lemmings commit suicide."]),
    ("bermuda", ["Planes disappear over Bermuda."]),
    ("toilets", ["Toilets flush in opposite directions in the Northern and Southern Hemispheres.",
                 "toilets flush in the opposite direction south of the equator"]),
    ("lemons", ["Lemons are stronger than chemo."]),
    ("nero", ["Nero fiddled while Rome burned."]),
    ("rhyme", ["That nursery rhyme is about the plague."]),
    ("north-star", ["The North Star is the brightest star."]),
]


@pytest.fixture(scope="module")
def index() -> ClaimIndex:
    return ClaimIndex.build(CLAIMS)


@pytest.mark.parametrize(("text", "claim"), [
    ("The far side of the moon is pitch black all the time, or so my uncle thinks.", "far-side"),
    ("My gran says bats can't see a thing.", "bats"),
    ("Bats cannot see at all, apparently.", "bats"),
    ("The delegates put their names to the Declaration of Independence on July 4, 1776.", "declaration"),
    ("A mum at school says the HPV jab leaves girls unable to have children.", "hpv"),
    ("Oncologists are making a fortune from chemo, he says.", "chemo-profit"),
    ("Always drain your battery to zero before you plug it in.", "battery"),
    ("The pyramids were built by visitors from another planet.", "aliens"),
    ("Light cigarettes are less harmful than regular cigarettes.", "light-cigarettes"),
    ("Bicarbonate of soda cures cancer!!", "baking-soda"),
    ("Measles was already on its way out before the vaccine came in.", "diseases"),
    ("Chemo patients pass away.", "first-patient"),
    ("Gore came up with the Internet.", "gore"),
    ("Lemmings kill themselves.", "lemmings"),
    ("Planes go missing over Bermuda.", "bermuda"),
    ("Toilets flush the other way south of the equator, right?", "toilets"),
    ("Lemons are more powerful than chemo.", "lemons"),
    ("Nero played the violin while Rome burned.", "nero"),
    ("That nursery rhyme is about the Black Death, you know.", "rhyme"),
    ("The Pole Star is the brightest star.", "north-star"),
])
def test_an_idiom_says_the_claim(text: str, claim: str, index: ClaimIndex) -> None:
    ms = match_blocks([("b", text)], index)
    assert [m.claim_id for m in ms] == [claim]
    assert ms[0].quote == text


@pytest.mark.parametrize("text", [
    "Bats can see a thing or two in the dark.",                  # no idiom: "see" is not "blind"
    "Bats can't see colours, but they aren't blind.",            # not the idiom ("see colours")
    "Bats can't see well in bright light.",                      # not the idiom
    "Loads of people put their money on it, plugging away.",     # "plugging away" is not "plug in"
])
def test_other_sentences_are_not_read_so(text: str, index: ClaimIndex) -> None:
    assert [m.claim_id for m in match_blocks([("b", text)], index)] == []


def test_an_idiom_is_read_as_one_span() -> None:
    (u,) = sentence_units("Bats can't see a thing.")
    read = idioms(u)
    assert read is not None and [t.norm for t in read.tokens] == ["bats", "are", "blind"]
    assert read.tokens[1].start == u.tokens[1].start and read.tokens[2].end == u.tokens[-1].end
    assert not read.negs or read.negs[-1] == 0                   # the idiom's "not" is gone
    assert idioms(sentence_units("Bats hunt at night.")[0]) is None


def test_every_idiom_is_found_by_the_key() -> None:
    # the key regex gates the scan: every idiom of the table must pass it
    for run in IDIOMS:
        (u,) = sentence_units(" ".join(run) + " today.")
        assert idioms(u) is not None, run
