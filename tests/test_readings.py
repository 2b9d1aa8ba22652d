"""Other readings of a sentence (readings.py) and "no one" as "nobody" (terms.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimnotes.matcher import ClaimIndex, match_blocks, reference_match_blocks
from claimnotes.readings import (_ANY_TERMS, _HEDGE_TERMS, _PHRASE_TERMS, _RENAMED_LAST, DAYS, HEDGES, JUMP, PHRASAL,
                                 REFLEXIVES, RENAMED, THROWS, TIME, WITHOUT, ZERO, Reading, _phrases, _possessive)
from claimnotes.terms import Unit, analyse, make_unit, sentence_units
from claimnotes.textnorm import Token

CLAIMS = [
    ("vitamin-c", ["Taking vitamin C prevents colds.", "vitamin C stops you catching a cold"]),
    ("alkaline", ["An alkaline diet can cure or prevent cancer.", "alkaline water prevents cancer"]),
    ("organic", ["Organic food is grown without any pesticides."]),
    ("medieval", ["People in Columbus's time believed the Earth was flat."]),
    ("flat", ["The Earth is flat."]),
    ("autism", ["Vaccines cause autism."]),
    ("lemmings", ["Lemmings commit mass suicide by jumping off cliffs.", "lemmings jump off cliffs"]),
    ("gates", ["Bill Gates said '640K ought to be enough for anybody'.",
               "Bill Gates once said no one would ever need more than 640K"]),
    ("family", ["If no one in your family has had cancer, you won't get it."]),
    ("flu-shot", ["The flu shot gives you the flu."]),
    ("casablanca", ["Bogart says 'Play it again, Sam' in Casablanca."]),
    ("putin", ['Putin said Pope Francis "is not a man of God."']),
    ("antibiotics", ["Antibiotics cure colds and flu.", "antibiotics cure colds"]),
    ("dna", ["mRNA COVID-19 vaccines change your DNA.", "the covid vaccine changes your DNA"]),
    ("mercury", ["Vaccines are full of toxic mercury.", "vaccines contain toxic mercury"]),
    ("masks", ["Wearing a face mask lowers your oxygen and causes carbon dioxide poisoning.",
               "masks cause CO2 poisoning"]),
    ("microwave", ["Microwaving food makes it radioactive or destroys its nutrients.",
                   "microwaved food is dangerous"]),
    ("contagious", ["Cancer is contagious.", "you can catch cancer from someone"]),
    ("climate", ["Climate change is a hoax."]),
]


@pytest.fixture(scope="module")
def index() -> ClaimIndex:
    return ClaimIndex.build(CLAIMS)


def claims_in(text: str, index: ClaimIndex) -> list[str]:
    blocks = [("b", text)]
    ms = match_blocks(blocks, index)
    assert ms == reference_match_blocks(blocks, index)
    assert all(m.quote == text for m in ms)   # the page's own sentence is quoted
    return [m.claim_id for m in ms]


@pytest.mark.parametrize(("text", "claim"), [
    # "X means no Y" says that X prevents Y
    ("My mother-in-law swears that a daily dose of vitamin C means you never catch a cold.", "vitamin-c"),
    ("ALKALINE WATER = NO CANCER", "alkaline"),
    ("alkaline water means you won't get cancer", "alkaline"),
    # "with zero X" says "without X"
    ("Organic veg is grown with zero pesticides of any kind.", "organic"),
    # set phrases: "in X's day" is "in X's time", "throw themselves" is "jump"
    ("In Columbus's day most people believed the earth was flat.", "medieval"),
    ("In Columbus\u2019 day most people believed the earth was flat.", "medieval"),
    ("Kids grew up believing that lemmings throw themselves off cliffs.", "lemmings"),
    # phrasal verbs in the claims' own verbs
    ("My neighbour thinks a course of antibiotics will knock out any cold in two days.", "antibiotics"),
    ("Antibiotics get rid of colds, everyone knows that.", "antibiotics"),
    ("Vaccines lead to autism.", "autism"),
    ("Plenty of people think vitamin C wards off colds.", "vitamin-c"),
    ("My aunt is sure the covid vaccine messes with your DNA.", "dna"),
    ("The covid jab tampers with your DNA, he says.", "dna"),
    ("Those jabs are loaded with toxic mercury.", "mercury"),
    ("Face masks cause carbon dioxide poisoning, my neighbour says.", "masks"),
    ("My mum still thinks microwaved food is bad for you.", "microwave"),
    # "no one" is "nobody", not the number 1
    ("Bill Gates said nobody would ever need more than 640K of memory.", "gates"),
    # "X not ..., it Y": the negation is the first clause's own
    ("DON'T get the flu shot, it gave my uncle the flu.", "flu-shot"),
    ("I won't get the flu shot, it gives you the flu.", "flu-shot"),
    # a clause opening with a negated auxiliary before a determiner asks a question
    ("Top question, every time: doesn't the flu shot give you the flu?", "flu-shot"),
    # after a quotation mark it is a statement, negated as in the claim
    ('Posts claim Putin said Pope Francis "is not a man of God."', "putin"),
    # the person a claim calls "someone", named on the page
    ("Grandma wouldn't let us hug him, she thought we could catch cancer off him.", "contagious"),
    ("My youngest asked if she could catch cancer from Grandma.", "contagious"),
    ("He swears he caught cancer from his brother.", "contagious"),
    # a topic's newer name
    ("The whole climate crisis is a hoax.", "climate"),
    ("The climate emergency is a hoax, wake up.", "climate"),
])
def test_read_as_a_claim_says_it(text: str, claim: str, index: ClaimIndex) -> None:
    assert claims_in(text, index) == [claim]


@pytest.mark.parametrize("text", [
    "Vitamin C doesn't mean you can't catch a cold.",          # "means" itself negated
    "Vitamin C never stops a cold.",                            # a plain negation stays one
    "I mean, no vaccine causes autism.",                        # the speaker's hedge
    "I mean no vaccine causes autism.",
    "That means never, vaccines cause autism? Never.",          # punctuation breaks the phrase
    # ("That means no, vaccines ..." has an answer "no", terms.negated, which negates nothing)
    "Studies came back with no evidence that vaccines cause autism.",   # "no" negates on
    "That means nobody believed the earth was flat.",           # the claim lies in the scope
    "Sadly that means no one will admit vaccines cause autism.",   # of the dropped negation
    "Lemmings throw rocks off cliffs.",                         # not reflexive
    "Antibiotics will clear it up, and any cold with it.",     # the verb apart from its particle
    "My family has a history of cancer.",                       # "no one" still carries weight
    "Vaccines don't cause autism, they save lives.",            # the match must span the pronoun
    "The flu shot doesn't give you the flu, it gives you antibodies.",
    "The flu shot doesn't give you the flu, it never does.",     # the second clause negated too
    "Bogart never says that in Casablanca, it's 'Play it, Sam'.",   # a copula names what is right
    "You can't catch cancer from your grandma.",                # the reading keeps the negation
    "He caught a cold from California tourists.",               # a place is not a person
    "The climate is in crisis, but it's a hoax to say so.",     # "climate crisis" only as a phrase
])
def test_other_sentences_are_not_read_so(text: str, index: ClaimIndex) -> None:
    assert claims_in(text, index) == []


def test_no_one_is_nobody() -> None:
    a, b = analyse("No one would ever need more."), analyse("Nobody would ever need more.")
    assert a.terms == b.terms and a.neg and b.neg
    assert not any(t.isdigit() for t in a.terms)
    assert analyse("one would need more").terms[0] == "1"      # "one" alone is still a number


def test_hedges_are_read_away_on_the_page_only() -> None:
    # "literally" costs similarity inside a span; read without it the sentence says the claim
    # in its words. Claim texts keep their hedges: as stopwords, "I was totally against the war
    # in Iraq" became two terms that any sentence on the war matched.
    index = ClaimIndex.build([*CLAIMS, ("iraq", ["I was totally against the war in Iraq."])])
    (m,) = match_blocks([("b", "Vaccines literally cause autism.")], index)
    assert (m.claim_id, m.score) == ("autism", 100.0)
    (m,) = match_blocks([("b", "He says he was totally against the war in Iraq.")], index)
    assert m.claim_id == "iraq"
    assert match_blocks([("b", "Obama was a critic of the war in Iraq.")], index) == []


def _phrases_word_by_word(text: str, u: Unit) -> Reading | None:
    """readings._phrases as first written, one word at a time: the reference of the
    loop that jumps from one phrase's first word to the next."""
    if not ("with 0 " in u.key or not u.termset.isdisjoint(_ANY_TERMS)):
        return None
    phrase = "with 0 " in u.key or not u.termset.isdisjoint(_PHRASE_TERMS)
    toks = [t for t in u.tokens if t.norm not in HEDGES] if not u.termset.isdisjoint(_HEDGE_TERMS) else u.tokens
    out: list[Token] = []
    k = 0
    while phrase and k < len(toks):
        t = toks[k]
        nxt = toks[k + 1].norm if k + 1 < len(toks) else ""
        if t.norm == "with" and nxt == ZERO and k + 2 < len(toks):
            out.append(Token(WITHOUT, t.start, toks[k + 1].end, t.cap))
            k += 2
            continue
        if t.norm in DAYS and k >= 2 and toks[k - 2].norm == "in" and _possessive(text, toks[k - 1]):
            t = Token(TIME, t.start, t.end, t.cap)
        elif t.norm in THROWS and nxt in REFLEXIVES:
            t = Token(JUMP, t.start, t.end, t.cap)
        elif t.norm in _RENAMED_LAST and k and (toks[k - 1].norm, t.norm) in RENAMED:
            t = Token(RENAMED[toks[k - 1].norm, t.norm], t.start, t.end, t.cap)
        elif t.norm in PHRASAL and PHRASAL[t.norm][0] == nxt:
            out.append(Token(PHRASAL[t.norm][1], t.start, toks[k + 1].end, t.cap))
            k += 2
            continue
        out.append(t)
        k += 1
    if not phrase:
        out = toks
    return (make_unit(out, u.sent), None) if out != u.tokens else None


PHRASE_WORDS = ("with zero 0 in my Columbus's day days throw themselves threw knock out loaded with zero "
                "mess with climate crisis global heating basically totally bad for carbon dioxide get rid of "
                "cancer the . ,").split()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PHRASE_WORDS), max_size=40).map(" ".join))
def test_phrases_agree_with_the_word_by_word_loop(text: str) -> None:
    for u in sentence_units(text):
        assert _phrases(text, u) == _phrases_word_by_word(text, u)
