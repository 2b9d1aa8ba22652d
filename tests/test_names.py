"""Which capitalised words are names (terms.py): the names guard and pronouns read them."""

from __future__ import annotations

import pytest

from claimnotes.matcher import ClaimIndex, match_blocks, reference_match_blocks
from claimnotes.pronouns import names_in
from claimnotes.terms import analyse, sentence_units


def test_months_and_weekdays_are_not_names_of_a_claim() -> None:
    assert analyse("The Declaration was signed on July 4.").names == ("declaration",)
    assert analyse("Smith voted on Monday.").names == ("smith",)
    assert analyse("Smith voted in Paris.").names == ("paris", "smith")


def test_months_and_weekdays_are_not_names_of_a_page() -> None:
    units = sentence_units("Every September my teacher says Columbus sailed. Sunday Mass was long.")
    assert all("september" not in u.names and "sunday" not in u.names for u in units)
    assert any("columbus" in u.names for u in units)
    # Nor names for a pronoun to stand for.
    assert [[t.norm for t in n] for n in names_in(units)] == [["columbus"], ["mass"]]


@pytest.mark.parametrize(("text", "names"), [
    ("Smith voted in March to close 12 hospitals.", 1.0),
    ("Smith voted on Monday to close 12 hospitals.", 1.0),
    # A place is a name the claim lacks while it misses "Senator": the guard holds.
    ("Smith voted in Paris to close 12 hospitals.", 0.5),
])
def test_a_month_does_not_set_off_the_names_guard(text: str, names: float) -> None:
    index = ClaimIndex.build([("smith", ["Senator Smith voted to close 12 hospitals."])])
    (m,) = match_blocks([("b", text)], index, threshold=30, explain=True)
    assert m.parts is not None and m.parts["names"] == names
    blocks = [("b", text)]
    assert match_blocks(blocks, index, threshold=30) == reference_match_blocks(blocks, index, threshold=30)
