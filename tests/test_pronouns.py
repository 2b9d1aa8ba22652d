"""Pronoun subjects (pronouns.py): which words a pronoun is read as."""

from __future__ import annotations

from claimnotes.matcher import ClaimIndex, match_blocks, reference_match_blocks
from claimnotes.pronouns import names_in, pronoun_at, with_names
from claimnotes.terms import sentence_units

STAR = ("star", ["The North Star is the brightest star in the night sky."])
SAM = ("sam", ["Humphrey Bogart says 'Play it again, Sam' in Casablanca.", "Bogart says play it again Sam"])
CATS = ("cats", ["Cats always land on their feet.", "a cat will always land on its feet"])


def claims_in(blocks: list[str], *claims: tuple[str, list[str]]) -> list[tuple[str, str]]:
    index = ClaimIndex.build(list(claims))
    pairs = list(zip(map(str, range(len(blocks))), blocks))
    ms = match_blocks(pairs, index)
    assert ms == reference_match_blocks(pairs, index)
    return [(m.claim_id, m.quote) for m in ms]


def read_as(sentence: str, before: str = "") -> list[str]:
    """The words put in for the pronoun of a one-sentence block (in its shortest unit, as
    the matcher reads it), after a block ``before``."""
    units = sentence_units(sentence)
    unit = min((u for u in units if pronoun_at(u) is not None), key=lambda u: len(u.tokens))
    k = pronoun_at(unit)
    at = unit.tokens[k].start
    own = [n for n in names_in(units) if n[-1].end <= at]
    named = with_names(unit, k, [*reversed(own), *reversed(names_in(sentence_units(before)))])
    return [] if named is None else [t.norm for t in named.tokens if t.start == at]


def test_a_name_earlier_in_the_sentence_is_read_for_its_pronoun() -> None:
    text = ("Lots of children wanted to see the North Star, and more than one parent told us"
            " it's the brightest star in the sky.")   # 59.6 read as it stands
    assert claims_in([text], STAR) == [("star", text)]
    # The same words with the name after the pronoun: nothing stands for it.
    assert claims_in(["A parent told us it's the brightest star in the sky, more than the North Star."], STAR) == []


def test_a_name_earlier_in_the_sentence_ends_its_clause() -> None:
    assert read_as("We saw the North Star, and a parent said it is bright.") == ["north", "star"]
    # Without a clause break after it the name is not read: the pronoun is then as
    # often its object ("Walker is counting on it"), and the name takes the place of
    # the page's earlier names.
    assert read_as("Gov. Walker is counting on it to cut taxes.", "Talks in Madison stalled.") == ["madison"]
    assert read_as("Gov. Walker is counting on it to cut taxes.") == []


def test_a_name_right_before_the_pronoun_is_not_read_for_it() -> None:
    # "Play" governs the "it" of the quote: read as "Play Play again, Sam", the line that
    # the sentence says nobody says would match; the names of the page before stay.
    page = ["We saw Casablanca with Bogart last night.",
            'Trivia for the pub afterwards: nobody in the film ever says "Play it again, Sam."']
    assert claims_in(page, SAM) == []
    assert read_as('Trivia for the pub, "nobody ever says Play it again, Sam."', page[0]) == ["casablanca", "bogart"]


def test_the_first_word_of_the_sentence_is_read_after_a_clause_break() -> None:
    text = "My cat fell off the balcony last summer (2nd floor) and was fine, they always land on their feet!"
    assert claims_in([text], CATS) == [("cats", text)]
    assert read_as("My cat fell off the balcony, they always land on their feet.") == ["cat"]
    assert read_as("Yesterday my cat says they always land on their feet.") == []   # no break: no subject
    # A capitalised word inside the sentence is a name, not a lower-case subject.
    assert read_as("In Columbus's era, they say, most people believed the earth was flat.") == []


def test_a_window_inside_a_long_sentence_has_no_subject() -> None:
    # The pronoun only in the second window (from word 24 on): that window's first
    # word is not the sentence's subject.
    words = " ".join(f"word{n}" for n in range(50))
    assert read_as(f"Cats {words}, they land on their feet.") == []
    assert read_as(f"Cats {words[:40]}, they land on their feet.") == ["cats"]


def test_after_a_negation_the_sentence_s_own_words_are_not_read() -> None:
    # The pronoun's clause corrects the negated one: what it says is not about them.
    assert read_as("Bogart never says that in Casablanca, it's 'Play it, Sam'.") == []
    assert read_as("Bogart says that in Casablanca, it's 'Play it, Sam'.") == ["bogart", "casablanca"]
