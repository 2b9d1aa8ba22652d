"""Spans that hold a claim's words without asserting it (unasserted.py), and a two-word
claim whose words stand in two conjuncts (matcher._names_only_both)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimnotes.matcher import ClaimIndex
from claimnotes.terms import sentence_units
from claimnotes.unasserted import (_MAY_BREAK, CLAUSE_BREAKS, CLAUSE_JOINERS, CLAUSE_OPENERS, OPENING, SENTENCE_ENDS,
                                   WH_WORDS, _last_break, names_only, runs_into_clause, wh_question)

from support import claims_in

CLAIMS = [
    ("north-star", ["The North Star is the brightest star in the night sky.", "Polaris is the brightest star.",
                    "the brightest star in the sky is the North Star", "Polaris is the brightest star in the sky"]),
    ("sun-warming", ["The sun is causing climate change.", "solar activity is heating the planet"]),
    ("gates-640k", ["Bill Gates said 640K of memory ought to be enough for anybody."]),
    ("kirk-beam", ['Captain Kirk said "Beam me up, Scotty".']),
    ("flu-shot", ["The flu vaccine contains live virus that infects you."]),
    ("gun-headline", ['"Police begin gun confiscations: no laws broken, no warrant, no charges"']),
    ("covid-flu", ["Covid is just the flu."]),
    ("bats-blind", ["Bats are blind."]),
    ("microwave", ["Microwave ovens cook food from the inside out.", "microwaves heat food from the inside first",
                   "a microwave cooks the middle before the outside", "a microwave heats food from the centre",
                   "microwaves cook food from the inside", "a microwave heats from the middle out",
                   "microwaves heat the inside of food first"]),
    ("bogart-sam", ['Bogart says "Play it again, Sam" in Casablanca.', "Bogart's famous line Play it again, Sam",
                    "Bogart says play it again Sam"]),
    ("obama-dnc", ["Obama asked Ukraine to investigate Manafort, and the DNC solicited Ukraine's help."]),
    ("antibiotics-colds", ["Antibiotics cure colds and flu.", "take antibiotics for a cold", "antibiotics cure colds",
                           "antibiotics kill viruses", "antibiotics get rid of a cold"]),
    ("bill-of-rights", ["The Bill of Rights"]),
    ("msg", ["Chinese restaurant syndrome is caused by MSG.", "MSG is a dangerous chemical"]),
    ("homeopathy", ["Homeopathic remedies cure illness.", "homeopathic remedies treat infections",
                    "homeopathy cures illness", "homeopathic remedies work"]),
]


@pytest.fixture(scope="module")
def index() -> ClaimIndex:
    return ClaimIndex.build(CLAIMS)



@pytest.mark.parametrize(("text", "claim"), [
    # a wh-question lacking a claim word asks for it
    ("Quiz round 3. Which star is the brightest in the night sky?", "north-star"),
    ('Year 9 Science: "What is causing climate change?" by Sam K.', "sun-warming"),
    # a denial of the words
    ("Gates has always denied saying that 640K of memory ought to be enough for anybody.", "gates-640k"),
    # a "never" just after the span
    ('Captain Kirk\'s words "Beam me up, Scotty" were never spoken on screen.', "kirk-beam"),
    ('Captain Kirk said "Beam me up, Scotty" never.', "kirk-beam"),
    # two clauses, each negated
    ("The flu vaccine contains no live virus, so it can't infect you.", "flu-shot"),
    ("Bats aren't blind, not at all.", "bats-blind"),
    # ...also where a name is put in for a pronoun of the sentence (pronouns.py)
    ("Hi Gavin, no problem at all. For what it's worth, the flu vaccine contains no live virus, so it can't "
     "infect you.", "flu-shot"),
    # the span ends one word into a new clause that goes on with its own words
    ("Look for Sirius in the south-east: the brightest star in the night sky. Polaris is much fainter.",
     "north-star"),
    ("Microwaves heat the outer layer of food, and the middle catches up as the heat spreads.", "microwave"),
    # two of the claim's words in one noun phrase only name things
    ("My GP refused to give me antibiotics for my cold last month.", "antibiotics-colds"),
    ("So first up, these little blue tubes are my homeopathic remedies.", "homeopathy"),
    # a two-word claim's words in two conjuncts
    ("Book your covid booster and your annual flu jab today.", "covid-flu"),
])
def test_unasserted_spans_are_dropped(text: str, claim: str, index: ClaimIndex) -> None:
    assert claim not in claims_in(text, index)


@pytest.mark.parametrize(("text", "claim"), [
    # a wh-question holding every claim word puts the claim forward
    ("What makes the North Star the brightest star in the night sky?", "north-star"),
    ("The North Star is the brightest star in the night sky. What else is up there?", "north-star"),
    # "can't deny" affirms
    ("You can't deny that Bill Gates said 640K of memory ought to be enough for anybody.", "gates-640k"),
    ('Captain Kirk said "Beam me up, Scotty" in every episode.', "kirk-beam"),
    # a negated claim may have its negations in two clauses itself
    ('"Police begin gun confiscations: no laws broken, no warrant, no charges," said the headline.', "gun-headline"),
    # a claim broken in two ends with its part; a possessive opens no clause; a claim
    # text that runs on across the break is quoted
    ("The brightest star in the night sky? Polaris.", "north-star"),
    ('You forgot "Play it again, Sam"!! Bogart\'s best line by a mile.', "bogart-sam"),
    ("Obama asked Ukraine to investigate Manafort, and the DNC went further.", "obama-dnc"),
    # a verb between two claim words, or a third claim word, says something of them
    ("My husband says antibiotics get rid of a cold in two days.", "antibiotics-colds"),
    # a claim that is itself one noun phrase, named whole
    ("I read the Bill of Rights again last night.", "bill-of-rights"),
    # a copula between the conjuncts joins the words
    ("Bats and owls are blind, my nan says.", "bats-blind"),
    ("Covid is just the flu and masks do nothing.", "covid-flu"),
    # the claim quoted whole, or quoted with the page's own words around it
    ('My aunt swears "Chinese restaurant syndrome is caused by MSG" and will not budge.', "msg"),
    ('Chinese restaurant syndrome is "caused by MSG", my aunt swears.', "msg"),
])
def test_asserted_spans_stay(text: str, claim: str, index: ClaimIndex) -> None:
    assert claim in claims_in(text, index)


@pytest.mark.parametrize(("text", "first", "last", "terms", "expected"), [
    ("refused to give me antibiotics for my cold", "antibiotics", "cold", 2, True),
    ("these tubes are my homeopathic remedies", "homeopathic", "remedies", 2, True),
    ("we're all descended from monkeys", "descended", "monkeys", 2, False),   # "from": a verb's word
    ("antibiotics get rid of a cold", "antibiotics", "cold", 2, False),      # a verb between
    ("antibiotics kill colds", "antibiotics", "colds", 2, False),   # a content word that is no claim word
    ("my antiperspirant that caused it", "antiperspirant", "caused", 2, False),   # "that" opens a clause
    ("the Great Wall of China for tourists", "great", "china", 3, False),   # three claim words
])
def test_names_only(text: str, first: str, last: str, terms: int, expected: bool) -> None:
    unit = sentence_units(text)[0]
    norms = [t.norm for t in unit.tokens]
    assert names_only(unit, norms.index(first), norms.index(last), terms) is expected


@pytest.mark.parametrize(("after", "expected"), [
    ("Polaris is much fainter.", True),         # the new clause goes on: Polaris is its subject
    ("Polaris, says my dad.", False),           # the clause ends with the span
    ("Polaris.", False),
    ("Polaris too.", False),                    # no word of its own follows
    ("Polaris's light is much fainter.", False),  # a possessive opens a noun phrase
])
def test_runs_into_clause(after: str, expected: bool) -> None:
    text = "Sirius is the brightest star in the night sky. " + after
    unit = max(sentence_units(text), key=lambda u: len(u.tokens))   # the two sentences read together
    norms = [t.norm for t in unit.tokens]
    i, j = norms.index("brightest"), norms.index("polaris")
    assert runs_into_clause(text, unit, i, j, lambda: []) is expected
    # a claim text that runs on the same way across the break is quoted, not cut
    assert not runs_into_clause(text, unit, i, j, lambda: [("sky", unit.terms[j])])


@pytest.mark.parametrize(("text", "expected"), [
    ("Which star is brightest?", True),
    ('Title: "What is causing it?" by Ann', True),
    ("Which star is brightest. Or not?", False),
    ("Why is it so bright?", False),
    ("The star that is brightest?", False),
])
def test_wh_question(text: str, expected: bool) -> None:
    assert wh_question(text, 6, 10) is expected


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["What ", "which ", "x ", "is ", ".", "?", "!", "\n", ":", " ", '"']), max_size=12),
       st.integers(0, 40), st.integers(0, 40))
def test_wh_question_is_its_definition(parts: list[str], a: int, b: int) -> None:
    # The sentence is cut at the last clause opener before the span and the first end
    # after it (wh_question finds the end first, and stops there).
    text = "".join(parts)
    start, end = sorted((min(a, len(text)), min(b, len(text))))
    first = max(text.rfind(c, 0, start) for c in CLAUSE_OPENERS) + 1
    last = min([k for k in (text.find(c, end) for c in SENTENCE_ENDS) if k >= 0], default=len(text))
    words = text[first:last].lstrip(OPENING).split(None, 1)
    expected = last < len(text) and text[last] == "?" and bool(words) and words[0].lower() in WH_WORDS
    assert wh_question(text, start, end) is expected


# The two regexes as first written: the reference of the faster forms.
PLAIN_MAY_BREAK = re.compile(r"[%s]|,\s*(?:%s)\b" % (re.escape(CLAUSE_BREAKS), "|".join(sorted(CLAUSE_JOINERS))),
                             re.IGNORECASE)
BREAK_WORDS = list(".!?;,:\"' \t\n") + ["and", "And", "BUT", "while", "whereas", "andy", "butter", "x", "é", "\u2009"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(BREAK_WORDS), max_size=30).map("".join), st.integers(0, 40), st.integers(0, 40))
def test_may_break_finds_what_the_plain_pattern_finds(text: str, a: int, b: int) -> None:
    assert (_MAY_BREAK.search(text, a, b) is None) == (PLAIN_MAY_BREAK.search(text, a, b) is None)


def _last_break_every_gap(text: str, toks: list, i: int, j: int) -> int | None:
    for k in range(j, i, -1):
        gap = text[toks[k - 1].end:toks[k].start]
        if any(c in gap for c in CLAUSE_BREAKS) or ("," in gap and toks[k].norm in CLAUSE_JOINERS):
            return k
    return None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([",", ".", ";", "?", "and", "But", "word", "can't", "U.S.", "10,000", "rock-and-roll",
                                  '"', "\n"]), max_size=30).map(" ".join), st.data())
def test_last_break_agrees_with_a_look_at_every_gap(text: str, data: st.DataObject) -> None:
    for u in sentence_units(text):
        i = data.draw(st.integers(0, len(u.tokens) - 1))
        j = data.draw(st.integers(i, len(u.tokens) - 1))
        assert _last_break(text, u.tokens, i, j) == _last_break_every_gap(text, u.tokens, i, j)
