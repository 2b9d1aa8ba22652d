"""A claim said whole inside a longer sentence (complete.py)."""

from __future__ import annotations

import pytest

from claimnotes import complete
from claimnotes.complete import lifted, subject_first
from claimnotes.matcher import ClaimIndex, match_blocks, reference_match_blocks
from claimnotes.terms import analyse, sentence_units

CLAIMS = [
    ("fluoride", ["Fluoride is toxic waste put in water to poison people.", "fluoride in water is poison"]),
    ("penguins", ["Penguins live at the North Pole.", "penguins live in the arctic"]),
    ("sharks", ["All sharks must keep swimming or they will die.", "sharks die if they stop swimming"]),
    ("cinco", ["Cinco de Mayo is Mexico's Independence Day."]),
    ("trump-photo", ["Is This a Photograph of a Young Donald Trump?"]),
    ("bats", ["Bats are blind."]),
    ("msg", ["MSG is a dangerous chemical that makes people sick.", "MSG gives you headaches"]),
    ("lemmings", ["Lemmings commit mass suicide.", "lemmings jump off cliffs"]),
    ("mercury", ["Mercury is the hottest planet.", "the hottest planet is Mercury"]),
]


@pytest.fixture(scope="module")
def index() -> ClaimIndex:
    return ClaimIndex.build(CLAIMS)


def found(text: str, index: ClaimIndex, threshold: float = 62) -> dict[str, float]:
    return {m.claim_id: m.score for m in match_blocks([("b", text)], index, threshold=threshold)}


# Every word of a claim text, in its order, the writer's own words between them: each
# scores 50-62 on the plain similarity and is raised to the threshold.
@pytest.mark.parametrize(("text", "claim"), [
    ("My uncle is sure that fluoride in the town's tap water is some kind of slow poison.", "fluoride"),
    ("Our guide said sharks of every size will die of suffocation within minutes if they stop swimming.",
     "sharks"),
    # a text with a name (MSG) and two words of its own
    ("My aunt is sure that the MSG in every Chinese takeaway she ever ate gave her awful headaches.", "msg"),
])
def test_a_complete_span_reaches_the_threshold(text: str, claim: str, index: ClaimIndex,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    assert found(text, index) == {claim: 62.0}
    assert found(text, index, threshold=70) == {}                # never past the default
    assert reference_match_blocks([("b", text)], index) == match_blocks([("b", text)], index)
    monkeypatch.setattr(complete, "COMPLETE_BONUS", 0.0)
    index._cache.clear()
    index._block_cache.clear()
    assert found(text, index) == {}                               # the plain score is under it


# Each scores 54-62 with every word of a claim text in it, and is not raised.
@pytest.mark.parametrize("text", [
    # a term of the text twice: two clauses that share the verb
    "Wild penguins live on southern coasts, polar bears live in the arctic.",
    # a text of two words
    "Many bats hunt insects that are almost blind themselves.",
    # the text's subject not first
    "It is the town's poison, the fluoride in our tap water.",
])
def test_other_sentences_are_not_raised(text: str, index: ClaimIndex) -> None:
    assert found(text, index) == {}
    assert 54 <= max(found(text, index, threshold=50).values()) < 62


PARTS = {"coverage": 1.0, "names": 1.0, "numbers": 1.0, "negation": 1.0, "distinct": 1.0}


def raised(text: str, terms: tuple[str, ...], names: tuple[str, ...] = ()) -> list[float]:
    """The score of a 55 result spanning each unit of ``text`` whole, after lifted()."""
    out = []
    for u in sentence_units(text):
        res = [("c", 0, len(u.tokens) - 1, 55.0, PARTS)]
        out.append(lifted(text, u, res, lambda claim: [(terms, names)], 50.0)[0][3])
    return out


def test_not_across_a_sentence_end() -> None:
    terms = analyse("Cinco de Mayo is Mexico's Independence Day.").terms
    # the first sentence alone (its words), and the two read together
    assert raised("Cinco de Mayo, some say, is the Independence Day of Mexico.", terms[:3] + terms[4:] + terms[3:4]) \
        == [62.0]
    assert raised("Cinco de Mayo marks a battle. Mexico's Independence Day is in September.", terms) \
        == [55.0, 55.0, 55.0]


def test_not_for_a_text_of_names() -> None:
    entry = analyse("Is This a Photograph of a Young Donald Trump?")
    text = "A photograph of a young girl looking up at Donald Trump."
    assert raised(text, entry.terms, entry.names) == [55.0]
    assert raised(text, entry.terms) == [62.0]


def test_subject_first() -> None:
    assert subject_first(("a", "b", "c"), ["a", None, "x", "b", "y", "c"])
    assert subject_first(("a", "b", "c"), ["a", "c", "b"])              # the predicate turned round
    assert not subject_first(("a", "b", "c"), ["b", "a", "c"])          # the subject after
    assert not subject_first(("a", "b", "c"), ["a", "b", "b", "c"])
    assert not subject_first(("a", "b", "c"), ["a", "b"])
    assert subject_first(("a", "b", "a"), ["a", "b", "x", "a"])
    assert not subject_first(("a", "b", "a"), ["a", "b", "x"])


# The claim's subject first, the rest turned round, scoring 50-54: raised to the threshold
# (in the text's order only, by 8 only, they stayed under it).
def test_a_predicate_turned_round_reaches_the_threshold(index: ClaimIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Every few years thousands of lemmings march to the edge of the cliffs and jump into the sea."
    assert found(text, index) == {"lemmings": 62.0}
    assert reference_match_blocks([("b", text)], index) == match_blocks([("b", text)], index)
    assert 50 <= plain(text, index, monkeypatch)["lemmings"] < 54


# Every word of "the hottest planet is Mercury" in its order, but Mercury is what the
# hottest planet is compared with.
def test_not_for_a_name_after_than(index: ClaimIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "It is the hottest planet of the solar system, with a thick atmosphere, hotter than Mercury."
    assert found(text, index) == {}
    said = "The hottest planet, as every quiz book in the school says, is Mercury."
    assert found(said, index) == {"mercury": 62.0}       # a plain 60, raised: no "than"
    assert 50 <= plain(text, index, monkeypatch)["mercury"] < 62


def plain(text: str, index: ClaimIndex, monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
    """The scores without the raise, at 40."""
    monkeypatch.setattr(complete, "COMPLETE_BONUS", 0.0)
    index._cache.clear()
    index._block_cache.clear()
    return found(text, index, threshold=40)
